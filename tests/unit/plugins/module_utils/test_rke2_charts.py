# -*- coding: utf-8 -*-
"""The rke2 role's cluster-wide decisions (rke2_charts.py, the action multihomed.rke2.rke2_cluster), as tables: the
chart features in use (which the version check reads) and the charts the servers get. The files they make are
compared with what the role writes in tests/integration/test_plan_playbook.py and test_rke2_install.py."""
from __future__ import annotations

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_charts

DHCP = {"manifests": {"dhcpDaemonSet": True}}
NO_DHCP = {"manifests": {"dhcpDaemonSet": False}}


@pytest.mark.parametrize("primary, values, multus, multus_values, thick, ip, expected", [
    ("canal", {"flannel": {"iface": "ens192"}}, True, NO_DHCP, False, "198.18.40.11", []),
    ("canal", {"flannel": {"regexIface": "^(ens192|eth1)$"}}, True, DHCP, True, "198.18.40.11",
     ["canal_regex_iface", "multus_dhcp_daemonset", "multus_thick_plugin"]),
    ("canal", {"flannel": {"iface": "ens192"}}, False, DHCP, True, "198.18.40.11", []),  # no Multus: none of its
    ("calico", {}, True, NO_DHCP, False, "fd00:40::11", ["calico_ipv6_only"]),
    ("calico", {}, True, NO_DHCP, False, "198.18.40.11,fd00:40::11", []),  # dual-stack has IPv4
    ("calico", {}, True, NO_DHCP, False, "", []),  # node-ip unknown: not guessed
    ("cilium", {}, True, NO_DHCP, False, "fd00:40::11", []),
])
def test_features_in_use(primary, values, multus, multus_values, thick, ip, expected):
    assert rke2_charts.features_in_use(primary, values, multus, multus_values, thick, ip) == expected


def test_version_check_only_with_features():
    assert rke2_charts.version_check([], "latest") == {"errors": [], "warnings": []}
    out = rke2_charts.version_check(["calico_ipv6_only"], "v1.32.0+rke2r1")
    assert out["errors"][0].startswith("RKE2 v1.32.0+rke2r1 lacks rke2-calico on an IPv6-only cluster network")


def test_manifests_and_present_values():
    entries = rke2_charts.manifests("cilium", {"devices": ["ens192"]}, True, NO_DHCP, json.dumps)
    assert [(e["file"], e["present"]) for e in entries] == [
        ("rke2-canal-config.yaml", False), ("rke2-calico-config.yaml", False), ("rke2-cilium-config.yaml", True),
        ("rke2-flannel-config.yaml", False), ("rke2-multus-config.yaml", True)]
    assert entries[2]["content"]["metadata"] == {"name": "rke2-cilium", "namespace": "kube-system"}
    assert entries[2]["content"]["spec"]["valuesContent"] == '{"devices": ["ens192"]}'
    assert rke2_charts.present_values("none", {}, False, NO_DHCP) == {}
    assert list(rke2_charts.present_values("canal", {}, True, NO_DHCP)) == ["rke2-canal", "rke2-multus"]
