# -*- coding: utf-8 -*-
"""playbooks/plan.yml on the lab and the example inventory: it touches no host (the lab is not even up), prints every
host and network as tables, and writes a topology SVG that renders."""
import os
import shutil
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("inventory", ["inventories/lab", "inventories/example", "inventories/example-dualstack"])
def test_plan_playbook(inventory, tmp_path):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    res = subprocess.run(["ansible-playbook", "-i", inventory, "playbooks/plan.yml",
                          "-e", f"multihomed_plan_dir={tmp_path}"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    hosts = subprocess.run(["ansible-inventory", "-i", inventory, "--list"], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True)
    names = sorted(yaml.safe_load(hosts.stdout)["_meta"]["hostvars"])
    for name in names:
        assert name in res.stdout, name
    for header in ("host", "network", "device", "VLAN", "address", "default route", "node-ip", "NetworkAttachment",
                   "rke2-canal HelmChartConfig values", "Longhorn: storage-network"):
        assert header in res.stdout, header
    svg = tmp_path / "topology.svg"
    assert svg.exists() and "<svg" in svg.read_text()
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", "-o", str(tmp_path / "t.png"), str(svg)], check=True)
        assert (tmp_path / "t.png").stat().st_size > 5000
    if inventory.endswith("dualstack"):  # both families in the tables and on the picture (issue 14)
        assert "fd00:172:16:40::" in res.stdout and "v6 via" in res.stdout
        assert "fd00:172:16:40::" in svg.read_text()
