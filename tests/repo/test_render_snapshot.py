"""The rendered output of the lab, the example and a feature-rich inventory is byte for byte what it was before
model v2 (tests/fixtures/golden, taken with scripts/render_snapshot.py --write before the refactor). The dual-stack
variant of the example (issue 14) has its own golden file, written when it was added."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("inventory", ["inventories/lab", "inventories/example", "tests/fixtures/inventories/rich.yml",
                                       "inventories/example-dualstack"])
def test_rendered_output_unchanged(inventory):
    res = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "render_snapshot.py"), inventory, "--check"],
                         cwd=ROOT, capture_output=True, text=True, check=False,
                         env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg")))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "identical" in res.stdout
