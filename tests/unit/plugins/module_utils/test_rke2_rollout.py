# -*- coding: utf-8 -*-
# Table tests of the rke2 rollout order: which nodes restart, in which batches.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_rollout import (
    Rke2RolloutError, restart_batches, result_changed)

S = ["s1", "s2", "s3"]
A = ["a1", "a2", "a3", "a4", "a5"]
ALL = S + A
EVERY = dict.fromkeys(ALL, True)

BATCHES = [
    ("bootstrap alone first, each server alone, agents one at a time", S, "s1", A, ALL, EVERY, 1,
     [["s1"], ["s2"], ["s3"], ["a1"], ["a2"], ["a3"], ["a4"], ["a5"]]),
    ("agents agent_serial at a time, the last batch shorter", S, "s1", A, ALL, EVERY, 2,
     [["s1"], ["s2"], ["s3"], ["a1", "a2"], ["a3", "a4"], ["a5"]]),
    ("agent_serial as a string", S, "s1", A, ALL, EVERY, "3", [["s1"], ["s2"], ["s3"], ["a1", "a2", "a3"], ["a4", "a5"]]),
    ("a bootstrap server other than the first goes first", S, "s2", A[:1], ALL, EVERY, 1,
     [["s2"], ["s1"], ["s3"], ["a1"]]),
    ("only nodes with a change", S, "s1", A, ALL, {"s2": True, "a2": True, "a3": False, "a4": True}, 5,
     [["s2"], ["a2", "a4"]]),
    ("nothing changed: no batch", S, "s1", A, ALL, {}, 1, []),
    ("hosts outside the play are left out", S, "s1", A, ["s2", "a1", "a3"], EVERY, 2, [["s2"], ["a1", "a3"]]),
    ("a host in both groups counts as a server", ["s1", "x"], "s1", ["x", "a1"], ["s1", "x", "a1"],
     {"s1": True, "x": True, "a1": True}, 1, [["s1"], ["x"], ["a1"]]),
    ("no servers in the play, agents only", S, "s1", A[:2], A[:2], EVERY, 1, [["a1"], ["a2"]]),
    ("empty groups", [], "", [], [], {}, 1, []),
]


@pytest.mark.parametrize("name, servers, bootstrap, agents, play_hosts, changed, serial, expected", BATCHES,
                         ids=[c[0] for c in BATCHES])
def test_restart_batches(name, servers, bootstrap, agents, play_hosts, changed, serial, expected):
    assert restart_batches(servers, bootstrap, agents, play_hosts, changed, serial) == expected


@pytest.mark.parametrize("serial, message", [
    (0, "rke2_agent_serial must be an integer >= 1, got 0"),
    (-2, "rke2_agent_serial must be an integer >= 1, got -2"),
    ("two", "rke2_agent_serial must be an integer >= 1, got 'two'"),
    (None, "rke2_agent_serial must be an integer >= 1, got None"),
])
def test_restart_batches_bad_serial(serial, message):
    with pytest.raises(Rke2RolloutError) as err:
        restart_batches(S, "s1", A, ALL, EVERY, serial)
    assert str(err.value) == message


@pytest.mark.parametrize("result, expected", [
    ({"changed": True}, True),
    ({"changed": False}, False),
    ({"changed": False, "skipped": True}, False),
    ({}, False),
    (None, False),
    ("not a result", False),
    ({"results": [{"changed": False}, {"changed": True}]}, True),
    ({"results": [{"changed": False}, {"skipped": True}]}, False),
    ({"changed": False, "results": [{"changed": True}]}, False),
])
def test_result_changed(result, expected):
    assert result_changed(result) is expected
