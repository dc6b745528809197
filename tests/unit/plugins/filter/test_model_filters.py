# -*- coding: utf-8 -*-
# The filters only adapt: options are checked against their own DOCUMENTATION, report readers refuse raw input.
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.filter.nad_manifests import nad_manifests
from ansible_collections.multihomed.rke2.plugins.filter.node_ip import node_ip
from ansible_collections.multihomed.rke2.plugins.filter.validate_model import validate_model

NETWORKS = {"cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster",
                        "groups": ["servers"], "interface": "ens192"}}
HOSTVARS = {"s1": {"inventory_hostname": "s1", "group_names": ["servers"],
                   "multihomed_addresses": {"cluster": "198.18.40.11"}}}
GROUPS = {"servers": ["s1"]}


def test_report_readers():
    report = validate_model(NETWORKS, HOSTVARS, GROUPS)
    assert node_ip(report, HOSTVARS["s1"]) == "198.18.40.11"
    assert [n["metadata"]["name"] for n in nad_manifests(report)] == []


@pytest.mark.parametrize("call, expected", [
    (lambda r: nad_manifests(NETWORKS), "nad_manifests: the input must be the validated model"),
    (lambda r: node_ip(NETWORKS, HOSTVARS["s1"]), "node_ip: the input must be the validated model"),
    (lambda r: node_ip(r, {"inventory_hostname": "x"}), "host 'x': groups: the host is in none of the cluster"),
])
def test_errors_name_the_filter_and_the_problem(call, expected):
    report = validate_model(NETWORKS, HOSTVARS, GROUPS)
    with pytest.raises(AnsibleFilterError) as err:
        call(report)
    assert expected in str(err.value)
