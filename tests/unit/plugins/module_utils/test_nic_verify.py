# -*- coding: utf-8 -*-
"""Table tests of nic_verify: the connection address, ping and path-MTU judgements of the nic_plan module (run for
real on the SSH lab: tests/integration/test_lab_ssh.py)."""
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_verify


def T(network, what, target="198.18.50.22", mtu=None):
    out = {"network": network, "device": "ens224", "target": target, "what": what}
    if mtu:
        out["mtu"] = mtu
    return out


@pytest.mark.parametrize("targets, results, failures, warnings", [
    ([T("cluster", "gateway")], ["1"], 1, 0),                                    # a silent gateway fails
    ([T("storage", "host a"), T("storage", "host b")], ["0", "1"], 0, 1),       # one silent peer: its problem
    ([T("storage", "host a"), T("storage", "host b")], ["1", "1"], 2, 0),       # all silent: this host is cut off
    ([T("cluster", "gateway"), T("storage", "host a")], ["0", "0"], 0, 0),
])
def test_judge_pings(targets, results, failures, warnings):
    got = nic_verify.judge_pings(targets, results)
    assert (len(got[0]), len(got[1])) == (failures, warnings)


def test_mtu_payload_fills_the_packet():
    assert nic_verify.mtu_payload("198.18.50.22", 9000) == 8972      # ping -M do -s 8972: a 9000-byte packet
    assert nic_verify.mtu_payload("2001:db8:50::22", 9000) == 8952
    assert nic_verify.mtu_payload("198.18.50.22", None) is None
    assert nic_verify.mtu_payload("peer.example", 1500) is None


def test_judge_mtu_every_target_silent_is_the_segment():
    targets = [T("storage", "host mh-wrk-2", "198.18.50.22", 9000), T("storage", "host mh-wrk-3", "198.18.50.23", 9000)]
    failures, warnings = nic_verify.judge_mtu(targets, ["1", "1"])
    assert failures == ["network 'storage' (ens224): MTU 9000 is not carried: no reply to 9000-byte packets that must "
                        "not be fragmented from 198.18.50.22 (host mh-wrk-2), 198.18.50.23 (host mh-wrk-3), while "
                        "default-size packets get through (a switch, bridge or peer on the segment carries less: set "
                        "the MTU the segment carries)"]
    assert warnings == []
    failures, warnings = nic_verify.judge_mtu(targets, ["0", "1"])
    assert failures == [] and len(warnings) == 1 and "198.18.50.23" in warnings[0]
    assert nic_verify.judge_mtu(targets, ["0", "0"]) == ([], [])


LIVE = {"cluster": {"device": "ens192", "seen": ["198.18.40.11/24"], "planned": ["198.18.40.111/24"]},
        "storage": {"device": "ens224", "seen": ["198.18.50.21/24"], "planned": []}}


def test_connection_moved_is_refused_naming_host_network_and_ansible_host():
    got = nic_verify.connection(LIVE, "198.18.40.11", False, "mh-cpl-1")
    assert got["moved"] and got["new_address"] == "198.18.40.111" and got["network"] == "cluster"
    assert got["problem"].startswith("host 'mh-cpl-1', network 'cluster': the plan moves 198.18.40.11, the address "
                                     "Ansible connects through (ansible_host), to 198.18.40.111 on ens192")
    assert "node_network_renumber: true" in got["problem"]
    renumber = nic_verify.connection(LIVE, "198.18.40.11", True, "mh-cpl-1")
    assert renumber["moved"] and renumber["problem"] is None and renumber["new_address"] == "198.18.40.111"


@pytest.mark.parametrize("address", ["198.18.50.21",   # on a DHCP network: the lease is the server's business
                                     "198.18.99.5",    # not on the host (NAT, jump host)
                                     "mh-cpl-1.lab",   # a name
                                     ""])
def test_connection_not_judged(address):
    got = nic_verify.connection(LIVE, address, False, "h")
    assert not got["moved"] and got["problem"] is None


def test_connection_kept():
    live = {"cluster": {"device": "ens192", "seen": ["198.18.40.11/24"], "planned": ["198.18.40.11/24"]}}
    got = nic_verify.connection(live, "198.18.40.11", False, "h")
    assert (got["network"], got["moved"], got["problem"]) == ("cluster", False, None)
