# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.filter.to_manifest_yaml import to_manifest_yaml

VALUES = "calico:\n  ipAutoDetectionMethod: cidr=172.16.40.0/24\nflannel:\n  backend: host-gw\n  iface: ens192\n"
CASES = [
    ("helmchartconfig", {"apiVersion": "helm.cattle.io/v1", "kind": "HelmChartConfig",
                         "metadata": {"name": "rke2-canal", "namespace": "kube-system"},
                         "spec": {"valuesContent": VALUES}}, "  valuesContent: |\n    calico:\n"),
    ("lists indented", {"cni": ["multus", "canal"]}, "cni:\n  - multus\n  - canal\n"),
    ("order kept", {"b": 1, "a": 2}, "b: 1\na: 2\n"),
    ("one-line strings plain", {"node-ip": "172.16.40.47"}, "node-ip: 172.16.40.47\n"),
]


@pytest.mark.parametrize("case, data, expected", CASES, ids=[c[0] for c in CASES])
def test_to_manifest_yaml(case, data, expected):
    text = to_manifest_yaml(data)
    assert expected in text
    assert yaml.safe_load(text) == data


def test_str_subclass_is_accepted():
    class Tagged(str):
        pass

    assert yaml.safe_load(to_manifest_yaml({Tagged("k"): Tagged("a\nb\n")})) == {"k": "a\nb\n"}
