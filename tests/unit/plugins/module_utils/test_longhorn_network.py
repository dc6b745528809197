# -*- coding: utf-8 -*-
# The role longhorn_network's plan before it reads the cluster (module_utils/longhorn_network.network_plan, filter
# longhorn_network_plan). Versions: the table in module_utils/versions.py (docs/compatibility.md), RWX Settings and
# Helm values: module_utils/longhorn_rwx.py (Longhorn chart/values.yaml and types/setting.go, cited there).
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_network, report
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

NETS = {
    "cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster",
                "groups": ["servers", "agents"], "interface": "ens192"},
    "storage": {"cidr": "198.18.50.0/24", "purpose": "storage", "groups": ["agents"], "interface": "ens224",
                "addressing": "dhcp", "attachment": {"name": "lh", "namespace": "longhorn-system",
                                                     "ipam": {"type": "whereabouts"}}},
}
HOSTS = [Host("s1", ["servers"], {"cluster": "198.18.40.11"}), Host("a1", ["agents"], {"cluster": "198.18.40.21"})]
VALUE = "longhorn-system/lh"


@pytest.fixture(scope="module")
def rep():
    return report.build(NETS, HOSTS)


def test_storage_network_only(rep):
    plan = longhorn_network.network_plan(rep)
    assert plan == {"storage": {"network": "storage", "namespace": "longhorn-system", "name": "lh", "value": VALUE},
                    "value": VALUE, "helm_values": {"defaultSettings": {"storageNetwork": VALUE}}, "rwx": {},
                    "errors": [], "warnings": []}


@pytest.mark.parametrize("version, helm_extra, errors, warning", [
    ("1.11.0", {"endpointNetworkForRWXVolume": VALUE}, [], None),
    ("v1.9.2", {}, [], None),
    ("", {"endpointNetworkForRWXVolume": VALUE}, [], "Longhorn version is not set"),
    ("1.6.2", {}, ["Longhorn 1.6.2 lacks RWX volumes on the storage network, by either RWX setting "
                   "(longhorn_rwx_network): it needs Longhorn 1.7.0 or later"], None),
])
def test_rwx(rep, version, helm_extra, errors, warning):
    plan = longhorn_network.network_plan(rep, version=version, rwx=True)
    assert plan["helm_values"] == {"defaultSettings": dict({"storageNetwork": VALUE}, **helm_extra)}
    assert plan["errors"] == errors  # once, though the RWX plan finds the same error
    assert (not plan["warnings"]) if warning is None else any(w.startswith(warning) for w in plan["warnings"])


def test_old_longhorn_for_the_storage_network(rep):
    plan = longhorn_network.network_plan(rep, version="1.2.6")
    assert plan["errors"] and "1.3.0" in plan["errors"][0]
