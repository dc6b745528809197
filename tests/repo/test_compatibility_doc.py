"""docs/compatibility.md shows the table of plugins/module_utils/versions.py: every row's versions (and the chart that
brought an RKE2 feature) on its feature's line, in the section of its component, and no feature the table lacks."""
import os
import re

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import versions

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECTIONS = {versions.RKE2: "## RKE2", versions.CNI_PLUGINS: "## CNI plugins", versions.LONGHORN: "## Longhorn"}


def _lines(component):
    with open(os.path.join(ROOT, "docs", "compatibility.md")) as f:
        text = f.read()
    section = [s for s in text.split("\n## ") if ("## " + s).startswith(SECTIONS[component])][0]
    return [line for line in section.splitlines() if line.startswith("| `")]


@pytest.mark.parametrize("row", versions.ROWS, ids=["%s:%s" % (r.feature, r.component) for r in versions.ROWS])
def test_every_row_is_in_the_doc(row):
    lines = [line for line in _lines(row.component) if line.startswith("| `%s` |" % row.feature)]
    where = "docs/compatibility.md, section %s" % SECTIONS[row.component]
    assert len(lines) == 1, "%s: one line for `%s`" % (where, row.feature)
    wanted = list(row.since) + [v for v in (row.until, row.chart.split(" ")[-1]) if v]
    missing = [v for v in wanted if not re.search(r"(?<![\w.])%s(?![\w.])" % re.escape(v), lines[0])]
    assert not missing, "docs/compatibility.md `%s` (%s) lacks %s" % (row.feature, row.component, missing)


def test_the_doc_has_no_feature_the_table_lacks():
    for component in SECTIONS:
        for line in _lines(component):
            feature = line.split("`")[1]
            assert any(r.feature == feature and r.component == component for r in versions.ROWS), (component, line)
