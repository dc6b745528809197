# -*- coding: utf-8 -*-
# The drift_report filter only adapts: hostvars and k8s_info results in, drift.build's report (with its summary) out.
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.filter.drift_report import drift_report
from ansible_collections.multihomed.rke2.plugins.filter.validate_model import validate_model

NETWORKS = {
    "cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster", "groups": ["servers"],
                "interface": "ens192"},
    "storage": {"cidr": "198.18.50.0/24", "purpose": "storage", "groups": ["servers"], "interface": "ens224",
                "attachment": {"name": "storage", "namespace": "mna", "type": "macvlan",
                               "ipam": {"type": "whereabouts"}}},
}
HOSTVARS = {"s1": {"inventory_hostname": "s1", "group_names": ["servers"],
                   "multihomed_addresses": {"cluster": "198.18.40.11", "storage": "198.18.50.11"}}}
GROUPS = {"servers": ["s1"]}
NIC_CLEAN = {"changed": False, "files": [], "networks": {}, "problems": []}


def k8s(*items, api_found=True):
    return {"changed": False, "api_found": api_found, "resources": list(items)}


def setting(value):
    return {"metadata": {"name": "storage-network", "namespace": "longhorn-system"}, "value": value}


@pytest.fixture
def report():
    return validate_model(NETWORKS, HOSTVARS, GROUPS)


def test_clean(report):
    hostvars = {"s1": dict(HOSTVARS["s1"], multihomed_drift_host={"nic_plan": NIC_CLEAN})}
    out = drift_report(report, hostvars=hostvars, hosts=["s1"], nads=k8s(*report["nads"]),
                       longhorn=k8s(setting("mna/storage")))
    assert (out["clean"], out["status"], out["exit_code"]) == (True, "clean", 0)
    assert out["hosts"] == {"s1": []} and out["cluster"] == []
    assert out["summary"] == "no drift in 1 host(s) and the cluster API: everything matches the model"


def test_cluster_only_names_the_nad_and_the_setting(report):
    out = drift_report(report, nads=k8s(), longhorn=k8s(setting("")))
    assert [(f["kind"], f["object"]) for f in out["cluster"]] == [
        ("nad", "mna/storage"), ("longhorn_setting", "Setting longhorn-system/storage-network")]
    assert out["exit_code"] == 1 and out["notes"] == ["hosts not checked (the host part was switched off)"]


def test_host_without_results_and_cluster_switched_off(report):
    out = drift_report(report, hostvars=HOSTVARS, hosts=["s1"], cluster=False)
    assert [f["kind"] for f in out["hosts"]["s1"]] == ["unchecked"]
    assert out["status"] == "incomplete" and out["cluster_checked"] is False


@pytest.mark.parametrize("kwargs, expected", [
    ({"hosts": ["s1"]}, "drift_report: hostvars is needed"),
    ({"hosts": ["nope"], "hostvars": HOSTVARS}, "drift_report: host 'nope' is not in hostvars"),
    ({"cluster": "maybe"}, "drift_report: invalid arguments"),
])
def test_errors_name_the_filter(report, kwargs, expected):
    with pytest.raises(AnsibleFilterError, match=expected):
        drift_report(report, **kwargs)


def test_refuses_the_raw_model():
    with pytest.raises(AnsibleFilterError, match="the input must be the validated model"):
        drift_report(NETWORKS)
