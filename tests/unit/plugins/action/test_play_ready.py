# -*- coding: utf-8 -*-
"""The judgement of multihomed.rke2.play_ready (the roles' last preflight step), as a table. The role paths that use
it run for real in tests/integration/test_rke2_install.py, the molecule scenarios and the lab stage."""
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.action.play_ready import judge


@pytest.mark.parametrize("problems, results, lost, expected", [
    ([], [{"problems": []}, None, {"skipped": True}], [], None),
    (["invalid multihomed network model:\n  - network 'x': cidr missing"], [{"problems": ["h2: ens300 missing"]}], [],
     "node_network preflight failed, nothing was changed on any host:\n  - invalid multihomed network model:\n"
     "  - network 'x': cidr missing\n  - h2: ens300 missing"),
    ([], [{"problems": ["a"]}, {"problems": ["b"]}], ["h3", "h4"],
     "node_network preflight failed, nothing was changed on any host:\n  - a\n  - b\n"
     "  - hosts h3, h4 failed before the node_network preflight ended"),
])
def test_judge(problems, results, lost, expected):
    msg, found = judge("node_network preflight", problems, results, lost)
    assert msg == expected
    assert (found == []) == (expected is None)


def test_noun():
    msg, _found = judge("rke2 preflight", ["rke2: too old"], [], [], noun="node")
    assert msg.startswith("rke2 preflight failed, nothing was changed on any node:")
