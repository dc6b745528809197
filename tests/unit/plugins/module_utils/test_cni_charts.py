# -*- coding: utf-8 -*-
"""Primary-CNI chart values: each case beside the chart source (repository, path, version) it was checked against.

Sources are summarised in docs/upstream-facts.md section 4 and ../shared/UPSTREAM-FACTS.md; when a chart changes,
its SOURCES entry and its cases change together. module_utils only (ansible-test runs these without the controller);
the role's step multihomed.rke2.rke2_cluster (plugins/module_utils/rke2_charts.py) is exercised through the role in
tests/integration/test_rke2_install.py and test_plan_playbook.py.
"""
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, k8s_render
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError

SOURCES = {
    "canal": "rancher/rke2-charts packages/rke2-canal/charts/templates/config.yaml + daemonset.yaml (canal_iface, "
             "canal_iface_regex; regexIface from 69291aea, 2023-08-02), branch main-source 262e21a4",
    "canal-calico-inert": "rke2-canal values calico.networkingBackend none -> CALICO_NETWORKING_BACKEND=none; "
                          "projectcalico/calico node/pkg/lifecycle/startup/startup.go skips autodetection then",
    "canal-backends": "rke2-canal templates/config.yaml Backend branches (vxlan, wireguard, udp; others Type only); "
                      "flannel-io/flannel pkg/backend/ipsec/ipsec.go 'password is too short' without a PSK (v0.28.9)",
    "calico": "rancher/rke2-charts packages/rke2-calico (tigera-operator v3.32.1) generated-changes/patch/templates/"
              "crs/custom-resources.yaml: firstFound only if empty .Values.installation.calicoNetwork."
              "nodeAddressAutodetectionV4 (e3e7ce8f); tigera/operator api/v1/installation_types.go "
              "NodeAddressAutodetection.cidrs, one method only",
    "cilium": "rancher/rke2-charts packages/rke2-cilium (cilium 1.20.1) templates/cilium-configmap.yaml "
              "'devices: {{ join \" \" .Values.devices }}'; values patch cni.exclusive false (81058adc, 2025-10-10)",
    "cilium-exclusive": "rancher/rke2-docs multus docs: rke2-cilium HelmChartConfig with cni.exclusive: false before "
                        "v1.31.14 / v1.32.10 / v1.33.6 / v1.34.2 (plugins/module_utils/versions.py "
                        "cilium_exclusive_default)",
    "flannel": "rancher/rke2-charts packages/rke2-flannel (flannel chart v0.28.9 + rke2 patch, packageVersion 06): "
               "no iface key; templates/daemonset.yaml renders flannel.args verbatim; flannel-io/flannel chart/"
               "kube-flannel/values.yaml args [--ip-masq, --kube-subnet-mgr]; flannel main.go --iface, --iface-regex",
    "cilium-vlan": "cilium/cilium 908664027 (PR 16772, v1.11): bpf on a native device rejects VLAN tags of VLAN "
                   "devices cilium does not control, unless listed in vlan-bpf-bypass (Helm bpf.vlanBypass, "
                   "install/kubernetes/cilium values.yaml; Documentation/network/vlan-802.1q.rst)",
    "flannel-first-match": "flannel-io/flannel main.go LookupExtIface: with --iface-regex the first interface (by "
                           "index) whose name matches, and flanneld exits when it has no address",
    "multus": "rancher/rke2-charts packages/rke2-multus/charts/values.yaml thickPlugin.enabled (default false, "
              "a65596dc 2025-07-03), manifests.dhcpDaemonSet, rke2-whereabouts.enabled; branch main-source 262e21a4",
}

ONE = {"network": "cluster", "cidr": "198.18.40.0/24", "devices": ["ens192"]}
TWO = {"network": "cluster", "cidr": "198.18.40.0/24", "devices": ["eth1", "ens192"]}
NONE = {"network": "cluster", "cidr": "198.18.40.0/24", "devices": []}
NEW, OLD = "v1.33.6+rke2r1", "v1.33.5+rke2r1"


def _plan(*entries):
    return [{"network": n, "device": d} for n, d in entries]


# host b's storage NIC has the name that is host a's cluster NIC: a cluster-wide pin by name would match it on b.
CLASH = {"a": _plan(("cluster", "eth1")), "b": _plan(("cluster", "ens192"), ("storage", "eth1"))}
CLEAN = {"a": _plan(("cluster", "eth1"), ("storage", "ens224")), "b": _plan(("cluster", "ens192"))}


@pytest.mark.parametrize("source, cni, cluster, kwargs, expected", [
    ("canal", "canal", ONE, {}, {"flannel": {"backend": "vxlan", "iface": "ens192"},
                                 "calico": {"ipAutoDetectionMethod": "cidr=198.18.40.0/24"}}),
    ("canal", "canal", TWO, {"backend": "wireguard", "plans": CLEAN},
     {"flannel": {"backend": "wireguard", "regexIface": "^(ens192|eth1)$"},
      "calico": {"ipAutoDetectionMethod": "cidr=198.18.40.0/24"}}),
    ("canal-calico-inert", "canal", ONE, {"autodetect": "interface"},
     {"flannel": {"backend": "vxlan", "iface": "ens192"}, "calico": {"ipAutoDetectionMethod": "interface=^ens192$"}}),
    ("calico", "calico", TWO, {"plans": CLASH},
     {"installation": {"calicoNetwork": {"nodeAddressAutodetectionV4": {"cidrs": ["198.18.40.0/24"]}}}}),
    ("cilium", "cilium", TWO, {"plans": CLEAN}, {"devices": ["ens192", "eth1"]}),
    ("cilium-exclusive", "cilium", ONE, {"multus": True, "rke2_version": OLD},
     {"devices": ["ens192"], "cni": {"exclusive": False}}),
    ("cilium-exclusive", "cilium", ONE, {"multus": True, "rke2_version": NEW}, {"devices": ["ens192"]}),
    ("cilium-exclusive", "cilium", ONE, {"multus": True, "rke2_version": "latest"},
     {"devices": ["ens192"], "cni": {"exclusive": False}}),
    ("cilium-exclusive", "cilium", ONE, {"multus": True}, {"devices": ["ens192"], "cni": {"exclusive": False}}),
    ("cilium-exclusive", "cilium", ONE, {"multus": False, "rke2_version": OLD}, {"devices": ["ens192"]}),
    ("flannel", "flannel", ONE, {}, {"flannel": {"args": ["--ip-masq", "--kube-subnet-mgr", "--iface=ens192"]}}),
    ("flannel", "flannel", TWO, {"plans": CLEAN},
     {"flannel": {"args": ["--ip-masq", "--kube-subnet-mgr", "--iface-regex=^(ens192|eth1)$"]}}),
    ("flannel", "flannel", {"network": "c", "cidr": "198.18.40.0/24", "devices": ["bond0.40", "eth1"]}, {},
     {"flannel": {"args": ["--ip-masq", "--kube-subnet-mgr", "--iface-regex=^(bond0\\.40|eth1)$"]}}),
])
def test_primary_cni_values(source, cni, cluster, kwargs, expected):
    assert source in SOURCES
    assert cni_charts.primary_cni_values(cluster, cni, **kwargs) == expected


@pytest.mark.parametrize("source, call, error", [
    ("canal-backends", lambda: cni_charts.canal_values(ONE, backend="ipsec"),
     "backend 'ipsec' is not supported: flannel's ipsec backend needs a pre-shared key"),
    ("canal-backends", lambda: cni_charts.canal_values(ONE, backend="udp"), "backend 'udp' is not a flannel backend"),
    ("canal", lambda: cni_charts.canal_values(NONE), "network 'cluster': groups no host is on the cluster network"),
    ("canal", lambda: cni_charts.canal_values(TWO, plans=CLASH),
     "network 'storage', host 'b': device eth1 is the cluster device of other hosts, and flannel.regexIface names"),
    ("cilium", lambda: cni_charts.cilium_values(TWO, plans=CLASH), "and cilium devices names every cluster device"),
    ("flannel", lambda: cni_charts.flannel_values(TWO, plans=CLASH), "and flannel --iface-regex names every"),
    ("calico", lambda: cni_charts.calico_values(NONE), "no host is on the cluster network"),
    ("cilium", lambda: cni_charts.primary_cni_values(ONE, "weave"), "cni 'weave' is not one of canal, calico, cilium"),
])
def test_refusals(source, call, error):
    assert source in SOURCES
    with pytest.raises(ModelError) as err:
        call()
    assert error in str(err.value)


@pytest.mark.parametrize("needs, thick, expected", [
    ({"dhcp_daemon": True, "whereabouts": False}, False,
     {"manifests": {"dhcpDaemonSet": True}, "rke2-whereabouts": {"enabled": False}}),
    ({"dhcp_daemon": False, "whereabouts": True}, True,
     {"manifests": {"dhcpDaemonSet": False}, "rke2-whereabouts": {"enabled": True}, "thickPlugin": {"enabled": True}}),
])
def test_multus_values(needs, thick, expected):
    assert "thickPlugin.enabled" in SOURCES["multus"]
    assert k8s_render.multus_values(needs, thick_plugin=thick) == expected


def _vplan(*entries):
    return [dict(zip(("network", "device", "parent", "vlan"), e)) for e in entries]


def test_cilium_lets_a_vlan_on_the_cluster_nic_through():
    """SOURCES cilium-vlan (issue 25, layout 1): storage parent ens192 vlan 50 beside the cluster on ens192."""
    plans = {"a": _vplan(("cluster", "ens192", None, None), ("storage", "ens192.50", "ens192", 50)),
             "b": _vplan(("cluster", "ens192", None, None), ("storage", "ens192.50", "ens192", 50),
                         ("services", "ens224.60", "ens224", 60))}
    values = cni_charts.cilium_values(ONE, plans=plans)
    assert values["devices"] == ["ens192"] and values["bpf"] == {"vlanBypass": [50]}
    assert "bpf" not in cni_charts.cilium_values(ONE, plans=CLEAN)


def test_a_trunk_named_like_another_hosts_cluster_nic_is_refused():
    """SOURCES flannel-first-match (issue 25, layout 2): s2's cluster NIC is ens224, a1's storage VLAN rides a trunk
    ens224: the regex would match a1's address-less trunk first."""
    plans = {"s1": _vplan(("cluster", "ens192", None, None)), "s2": _vplan(("cluster", "ens224", None, None)),
             "a1": _vplan(("cluster", "ens192", None, None), ("storage", "ens224.50", "ens224", 50))}
    cluster = {"network": "cluster", "cidr": "198.18.40.0/24", "devices": ["ens192", "ens224"]}
    for call in (lambda: cni_charts.canal_values(cluster, plans=plans),
                 lambda: cni_charts.flannel_values(cluster, plans=plans)):
        with pytest.raises(ModelError) as err:
            call()
        assert "network 'storage', host 'a1': parent ens224 is the cluster device of other hosts" in str(err.value)
