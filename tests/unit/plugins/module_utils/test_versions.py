# -*- coding: utf-8 -*-
"""Minimum versions per feature (versions.py) and Longhorn's RWX setting choice (longhorn_rwx.py), as tables.

Every case names the fact it encodes (FACTS: what upstream does and where it was read); a case is a version and a
feature with the expected result: None (has it), or the level and a piece of the expected text. RKE2 release lines
were read from rancher/rke2 tags (charts/chart_versions.yaml, or the Dockerfile before v1.29) and the chart
archives in rancher/rke2-charts branch main (assets/<chart>/<chart>-<version>.tgz), fetched 2026-08.
"""
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_rwx, versions

FACTS = {
    "regex-iface": "rke2-canal flannel.regexIface: rancher/rke2-charts 69291aea (2023-08-02), chart "
                   "v3.26.1-build2023080200, first in RKE2 v1.24.17, v1.25.13, v1.26.8, v1.27.5 (+rke2r1, 2023-09-01)",
    "dhcp-daemonset": "rke2-multus manifests.dhcpDaemonSet: rancher/rke2-charts 3127c331 (2023-12-14), chart "
                      "v4.0.2-build2023081107, first in RKE2 v1.26.13, v1.27.10, v1.28.6, v1.29.1 (2024-02-02)",
    "thick-plugin": "rke2-multus thickPlugin.enabled: rancher/rke2-charts a65596dc (2025-07-03), chart v4.2.106, "
                    "first in RKE2 v1.30.14+rke2r2, v1.31.11, v1.32.7, v1.33.3 (2025-07-18)",
    "cilium-exclusive": "rke2-cilium cni.exclusive false by default: rancher/rke2-charts 81058adc (2025-10-10), chart "
                        "1.18.300, first in RKE2 v1.31.14, v1.32.10, v1.33.6, v1.34.2 (2025-11-20); rke2-docs",
    "route-priority": "route priority applied from containernetworking/plugins v1.6.0 (pkg/ipam/ipam_linux.go); "
                      "rancher/rke2-charts 181d4e5e (2024-11-05) rke2-multus v4.1.301 ships it, first in RKE2 "
                      "v1.29.11, v1.30.7, v1.31.3 (2024-12-03), v1.32.0; the 1.28 line never",
    "calico-ipv6-only": "rke2-calico forces nodeAddressAutodetectionV4 firstFound when it is empty from v3.26.300 "
                        "(rancher/rke2-charts e3e7ce8f, 2023-11-14) to v3.29.100; v3.29.101 (24733707, 2025-01-09) "
                        "only when global.clusterCIDRv4 is set; first in RKE2 v1.29.13, v1.30.9, v1.31.5, v1.32.1 "
                        "(2025-01-24); the 1.26 to 1.28 lines end on broken charts; v1.33.0 ships v3.29.300",
    "lh-storage-network": "longhorn/longhorn-manager types/setting.go storage-network from v1.3.0 (absent in v1.2.0)",
    "lh-rwx-flag": "longhorn/longhorn-manager types/setting.go storage-network-for-rwx-volume-enabled v1.7.0 to "
                   "v1.10.x, replaced (deleted) in v1.11.0; no Helm value in longhorn/longhorn chart/values.yaml "
                   "v1.7.0 to v1.10.2",
    "lh-rwx-endpoint": "longhorn/longhorn-manager types/setting.go endpoint-network-for-rwx-volume from v1.11.0; "
                       "longhorn/longhorn chart/values.yaml defaultSettings.endpointNetworkForRWXVolume (v1.11.0)",
    "unknown": "a version that is not a release (latest, stable, a channel, empty) cannot be checked: warn",
}

E, W = "error", "warning"
CASES = [
    ("regex-iface", "canal_regex_iface", "v1.27.5+rke2r1", None, None),
    ("regex-iface", "canal_regex_iface", "v1.27.4+rke2r1", None, (E, "the 1.27 line has it from v1.27.5+rke2r1")),
    ("regex-iface", "canal_regex_iface", "v1.26.8+rke2r1", None, None),
    ("regex-iface", "canal_regex_iface", "v1.24.16+rke2r1", None, (E, "RKE2 v1.24.16+rke2r1 lacks rke2-canal flannel.regexIface")),
    ("regex-iface", "canal_regex_iface", "v1.23.17+rke2r1", None, (E, "the 1.23 line never got it")),
    ("regex-iface", "canal_regex_iface", "v1.28.1+rke2r1", None, None),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.28.5+rke2r1", None,
     (E, "RKE2 v1.28.5+rke2r1 lacks rke2-multus manifests.dhcpDaemonSet (multus_dhcp_daemonset): the 1.28 line has "
         "it from v1.28.6+rke2r1")),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.28.6+rke2r1", None, None),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.26.12+rke2r1", None, (E, "from v1.26.13+rke2r1")),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.29.0+rke2r1", None, (E, "from v1.29.1+rke2r1")),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.25.16+rke2r1", None,
     (E, "the 1.25 line never got it; it came with v1.26.13+rke2r1, v1.27.10+rke2r1")),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "v1.30.0+rke2r1", None, None),
    ("dhcp-daemonset", "multus_dhcp_daemonset", "1.36.2+rke2r1", None, None),
    ("thick-plugin", "multus_thick_plugin", "v1.30.14+rke2r1", None, (E, "from v1.30.14+rke2r2")),
    ("thick-plugin", "multus_thick_plugin", "v1.30.14+rke2r2", None, None),
    ("thick-plugin", "multus_thick_plugin", "v1.31.10+rke2r1", None, (E, "the 1.31 line has it from v1.31.11+rke2r1")),
    ("thick-plugin", "multus_thick_plugin", "v1.33.3+rke2r1", None, None),
    ("thick-plugin", "multus_thick_plugin", "v1.34.1+rke2r1", None, None),
    ("thick-plugin", "multus_thick_plugin", "v1.29.15+rke2r1", None, (E, "the 1.29 line never got it")),
    ("cilium-exclusive", "cilium_exclusive_default", "v1.33.5+rke2r1", None,
     (E, "from v1.33.6+rke2r1; write an rke2-cilium HelmChartConfig with cni.exclusive: false")),
    ("cilium-exclusive", "cilium_exclusive_default", "v1.34.2+rke2r1", None, None),
    ("cilium-exclusive", "cilium_exclusive_default", "v1.35.0+rke2r1", None, None),
    ("route-priority", "route_priority", "v1.28.15+rke2r1", None, (E, "the 1.28 line never got it")),
    ("route-priority", "route_priority", "v1.29.10+rke2r1", None, (E, "from v1.29.11+rke2r1")),
    ("route-priority", "route_priority", "v1.31.3+rke2r1", None, None),
    ("route-priority", "route_priority", "v1.32.0+rke2r1", None, None),
    ("route-priority", "route_priority", "v1.5.1", versions.CNI_PLUGINS,
     (E, "containernetworking/plugins v1.5.1 lacks CNI route priority")),
    ("route-priority", "route_priority", "v1.6.0-build20241022", versions.CNI_PLUGINS, None),
    ("route-priority", "route_priority", "1.9.1", versions.CNI_PLUGINS, None),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.31.4+rke2r1", None,
     (E, "RKE2 v1.31.4+rke2r1 lacks rke2-calico on an IPv6-only cluster network (IPv4 address autodetection not "
         "forced) (calico_ipv6_only): the 1.31 line has it from v1.31.5+rke2r1; calico-node would look for an IPv4")),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.31.0+rke2r1", None, (E, "from v1.31.5+rke2r1")),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.31.5+rke2r1", None, None),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.32.0+rke2r1", None, (E, "from v1.32.1+rke2r1")),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.32.1+rke2r1", None, None),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.30.8+rke2r1", None, (E, "from v1.30.9+rke2r1")),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.29.13+rke2r1", None, None),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.28.15+rke2r1", None, (E, "the 1.28 line never got it")),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.33.0+rke2r1", None, None),
    ("calico-ipv6-only", "calico_ipv6_only", "v1.34.1+rke2r1", None, None),
    ("lh-storage-network", "longhorn_storage_network", "1.2.6", None, (E, "it needs Longhorn 1.3.0 or later")),
    ("lh-storage-network", "longhorn_storage_network", "v1.3.0", None, None),
    ("lh-rwx-flag", "longhorn_rwx_storage_network", "1.6.2", None, (E, "Longhorn 1.6.2 lacks")),
    ("lh-rwx-flag", "longhorn_rwx_storage_network", "1.7.0", None, None),
    ("lh-rwx-flag", "longhorn_rwx_storage_network", "v1.10.2", None, None),
    ("lh-rwx-flag", "longhorn_rwx_storage_network", "1.11.0", None,
     (E, "Longhorn 1.11.0 no longer has Longhorn Setting storage-network-for-rwx-volume-enabled")),
    ("lh-rwx-endpoint", "longhorn_rwx_endpoint_network", "1.10.2", None, (E, "needs Longhorn 1.11.0 or later")),
    ("lh-rwx-endpoint", "longhorn_rwx_endpoint_network", "v1.11.0", None, None),
    ("lh-rwx-endpoint", "longhorn_rwx_endpoint_network", "1.12", None, None),
    ("lh-rwx-flag", "longhorn_rwx_network", "1.6.0", None, (E, "needs Longhorn 1.7.0 or later")),
    ("lh-rwx-endpoint", "longhorn_rwx_network", "1.12.1", None, None),
    ("unknown", "multus_dhcp_daemonset", "latest", None,
     (W, "RKE2 version 'latest' is not a release version: cannot check rke2-multus manifests.dhcpDaemonSet")),
    ("unknown", "multus_dhcp_daemonset", "", None, (W, "RKE2 version is not set")),
    ("unknown", "multus_dhcp_daemonset", None, None, (W, "RKE2 version is not set")),
    ("unknown", "multus_thick_plugin", "v1.31", None, (W, "'v1.31' is not a release version")),
    ("unknown", "canal_regex_iface", "stable", None, (W, "pin the version")),
    ("unknown", "longhorn_rwx_network", "v1.9.x", None, (W, "Longhorn version 'v1.9.x' is not a release version")),
    ("unknown", "longhorn_rwx_network", "1.11.0-rc1", None, (W, "not a release version")),
    ("lh-rwx-endpoint", "longhorn_rwx_network", "v1.31.5+rke2r1", versions.RKE2, None),  # RKE2 does not constrain it
]


@pytest.mark.parametrize("fact,feature,version,component,expected", CASES,
                         ids=["%s:%s:%s" % (c[0], c[1], c[2]) for c in CASES])
def test_check(fact, feature, version, component, expected):
    assert fact in FACTS
    problem = versions.check(feature, version, component)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None, "expected a problem"
        assert problem.level == expected[0]
        assert expected[1] in str(problem)
        if problem.level == E:
            assert feature in problem.text and str(version) in problem.text


@pytest.mark.parametrize("version,component,parsed", [
    ("v1.31.5+rke2r1", versions.RKE2, (1, 31, 5, 1)), ("1.30.14+rke2r2", versions.RKE2, (1, 30, 14, 2)),
    ("v1.31.5", versions.RKE2, (1, 31, 5, 1)), (" v1.9.2 ", versions.LONGHORN, (1, 9, 2)),
    ("1.9", versions.LONGHORN, (1, 9, 0)), ("v1.6.0-build20241022", versions.CNI_PLUGINS, (1, 6, 0)),
    ("latest", versions.RKE2, None), ("v1.31.5+k3s1", versions.RKE2, None), ("", versions.LONGHORN, None),
    (None, versions.LONGHORN, None), ("v1.31.5+rke2r1", versions.LONGHORN, None),
])
def test_parse(version, component, parsed):
    assert versions.parse(version, component) == parsed


def test_unknown_feature_or_component_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown feature 'nope'; known: canal_regex_iface"):
        versions.check("nope", "v1.31.5+rke2r1")
    with pytest.raises(ValueError, match="unknown component 'k3s'"):
        versions.check("route_priority", "v1.31.5+rke2r1", "k3s")


def test_check_all_checks_only_the_components_given():
    features = ["multus_thick_plugin", "route_priority", "longhorn_rwx_network"]
    assert versions.check_all(features, {"rke2": "v1.33.3+rke2r1", "longhorn": "1.11.0"}) == \
        {"errors": [], "warnings": []}
    out = versions.check_all(features, {"rke2": "v1.31.2+rke2r1", "longhorn": ""})
    assert [e.split(":")[0] for e in out["errors"]] == [
        "RKE2 v1.31.2+rke2r1 lacks rke2-multus thickPlugin.enabled (multus_thick_plugin)",
        "RKE2 v1.31.2+rke2r1 lacks CNI route priority (a route metric) applied by the plugins (route_priority)"]
    assert len(out["warnings"]) == 1 and out["warnings"][0].startswith("Longhorn version is not set")
    assert versions.check_all(features, {}) == {"errors": [], "warnings": []}


def test_every_row_is_sourced_and_sorted():
    for row in versions.ROWS:
        assert row.feature in versions.FEATURES and row.component in versions.COMPONENTS
        assert row.source, row
        parsed = [versions.parse(v, row.component) for v in row.since]
        assert None not in parsed and parsed == sorted(parsed), row
        if row.component == versions.RKE2:
            assert len({p[:2] for p in parsed}) == len(parsed), "one version per minor line: %s" % (row,)
        else:
            assert len(parsed) == 1, row


NAD = "storage-ns/macvlan-longhorn"
RWX_CASES = [
    # fact, version, live Setting names (None: no cluster read), feature chosen, settings, helm values, text
    ("lh-rwx-endpoint", "1.11.0", None, "longhorn_rwx_endpoint_network",
     {"endpoint-network-for-rwx-volume": NAD}, {"defaultSettings": {"endpointNetworkForRWXVolume": NAD}}, None),
    ("lh-rwx-flag", "v1.9.2", None, "longhorn_rwx_storage_network",
     {"storage-network-for-rwx-volume-enabled": "true"}, {}, (W, "charts have no Helm value")),
    ("lh-rwx-flag", "v1.9.2", ["storage-network-for-rwx-volume-enabled"], "longhorn_rwx_storage_network",
     {"storage-network-for-rwx-volume-enabled": "true"}, {}, None),
    ("lh-rwx-flag", "1.10.0", ["endpoint-network-for-rwx-volume"], "longhorn_rwx_storage_network",
     {"storage-network-for-rwx-volume-enabled": "true"}, {}, (W, "check longhorn_network_version")),
    ("lh-rwx-flag", "1.6.2", None, "", {}, {}, (E, "Longhorn 1.6.2 lacks")),
    ("unknown", "", ["storage-network", "endpoint-network-for-rwx-volume"], "longhorn_rwx_endpoint_network",
     {"endpoint-network-for-rwx-volume": NAD}, {"defaultSettings": {"endpointNetworkForRWXVolume": NAD}},
     (W, "Longhorn version unknown: the cluster has the Setting endpoint-network-for-rwx-volume")),
    ("unknown", "latest", ["storage-network-for-rwx-volume-enabled"], "longhorn_rwx_storage_network",
     {"storage-network-for-rwx-volume-enabled": "true"}, {}, (W, "the cluster has the Setting storage-network-for-rwx-volume-enabled, so that one")),
    ("unknown", "", None, "longhorn_rwx_endpoint_network",
     {"endpoint-network-for-rwx-volume": NAD}, {"defaultSettings": {"endpointNetworkForRWXVolume": NAD}},
     (W, "Longhorn 1.7 to 1.10 ignores it")),
    ("unknown", "", ["storage-network"], "", {}, {}, (E, "older than 1.7.0 or not running")),
]


@pytest.mark.parametrize("fact,version,live,feature,settings,helm,text", RWX_CASES)
def test_rwx_settings(fact, version, live, feature, settings, helm, text):
    assert fact in FACTS
    out = longhorn_rwx.rwx_settings(NAD, version, live)
    assert (out["feature"], out["settings"], out["helm_values"]) == (feature, settings, helm)
    if text is None:
        assert out["errors"] == [] and out["warnings"] == []
    else:
        found = out["errors"] if text[0] == E else out["warnings"]
        assert any(text[1] in t for t in found), out
        if text[0] == W:
            assert out["errors"] == []
