# -*- coding: utf-8 -*-
# The version filter only adapts versions.py: its DOCUMENTATION lists what the table knows, and
# bad input is an AnsibleFilterError naming the filter.
from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.filter import feature_versions as fv_plugin
from ansible_collections.multihomed.rke2.plugins.filter.feature_versions import feature_versions
from ansible_collections.multihomed.rke2.plugins.module_utils import versions


def test_documentation_lists_every_feature_of_the_table():
    doc = yaml.safe_load(fv_plugin.DOCUMENTATION)
    assert doc["options"]["_input"]["choices"] == list(versions.FEATURES)


def test_feature_versions():
    out = feature_versions(["multus_dhcp_daemonset", "longhorn_rwx_network"], rke2_version="v1.28.5+rke2r1",
                           longhorn_version="v1.9.2")
    assert out["warnings"] == []
    assert out["errors"] == ["RKE2 v1.28.5+rke2r1 lacks rke2-multus manifests.dhcpDaemonSet (multus_dhcp_daemonset): "
                             "the 1.28 line has it from v1.28.6+rke2r1; run the CNI dhcp daemon on every node yourself"]
    unset = feature_versions(["multus_thick_plugin"])
    assert unset["errors"] == [] and unset["warnings"][0].startswith("RKE2 version is not set")
    assert feature_versions([], rke2_version="latest") == {"errors": [], "warnings": []}


@pytest.mark.parametrize("call, expected", [
    (lambda: feature_versions(["nope"]), "feature_versions: unknown features nope; known: canal_regex_iface"),
    (lambda: feature_versions("route_priority"), "feature_versions: expected a list of feature names"),
    (lambda: feature_versions(["route_priority"], rke2_versions="x"), "unexpected keyword"),
])
def test_bad_input_names_the_filter(call, expected):
    with pytest.raises((AnsibleFilterError, TypeError)) as err:
        call()
    assert expected in str(err.value)
