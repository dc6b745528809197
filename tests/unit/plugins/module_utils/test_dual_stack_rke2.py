# -*- coding: utf-8 -*-
"""RKE2 on a dual-stack (or IPv6-only) cluster network: node-ip pairs, cluster-cidr/service-cidr pairs, the
running-cluster guard, and the primary CNI's values; each case names its upstream fact (docs/upstream-facts.md
section 10)."""
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, rke2_config
from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_config import NodeConfig, Rke2ConfigError

FACTS = {
    "rke2-dual-stack": (
        "servers set dual-stack cluster-cidr and service-cidr (v4,v6) and every node a v4,v6 node-ip; dual-stack "
        "cannot be enabled on a cluster started as IPv4-only",
        "rancher/rke2-docs docs/networking/basic_network_options.md 'Dual-stack configuration' (9477b7b1)"),
    "canal-v6": (
        "rke2-canal turns IPv6 on from global.clusterCIDRv6 (RKE2 sets it from cluster-cidr): flannel IPv6Network/"
        "EnableIPv6, FELIX_IPV6SUPPORT, IP6_AUTODETECTION_METHOD from calico.ip6AutoDetectionMethod",
        "rancher/rke2-charts packages/rke2-canal/charts/templates/{config,daemonset}.yaml (262e21a4); "
        "rancher/rke2 pkg/bootstrap/bootstrap.go (6ce1a801)"),
    "flannel-iface-v6": (
        "flannel --iface / --iface-regex by name picks the interface and takes its first IPv4 and first IPv6 "
        "address in dual-stack (a regex matched against addresses must match both families)",
        "flannel-io/flannel pkg/ipmatch/match.go LookupExtIface (v0.28.9 = HEAD cdf76059)"),
    "calico-v6": ("tigera-operator Installation calicoNetwork.nodeAddressAutodetectionV6 (cidrs)",
                  "tigera/operator api/v1/installation_types.go NodeAddressAutodetection"),
}

TOKEN = "K10secret"


def node(**kw):
    base = dict(host="cpl-1", server=True, bootstrap=True, node_name="cpl-1", node_ip="198.18.40.11,fd00:40::11",
                bootstrap_ip="198.18.40.11,fd00:40::11", server_ips=["198.18.40.11,fd00:40::11"],
                cni=["multus", "canal"], token=TOKEN, cluster_cidr6="fd42::/56", service_cidr6="fd43::/112")
    base.update(kw)
    return base


BUILD = [
    ("rke2-dual-stack", "dual-stack server: pairs, RKE2's v4 defaults written out", node(),
     {"node-ip": "198.18.40.11,fd00:40::11", "tls-san": ["198.18.40.11", "fd00:40::11"],
      "cluster-cidr": "10.42.0.0/16,fd42::/56", "service-cidr": "10.43.0.0/16,fd43::/112"}),
    ("rke2-dual-stack", "dual-stack with own v4 CIDRs", node(cluster_cidr="10.52.0.0/16", service_cidr="10.53.0.0/16"),
     {"cluster-cidr": "10.52.0.0/16,fd42::/56", "service-cidr": "10.53.0.0/16,fd43::/112"}),
    ("rke2-dual-stack", "IPv6-only server", node(node_ip="fd00:40::11", bootstrap_ip="fd00:40::11",
                                                 server_ips=["fd00:40::11"]),
     {"node-ip": "fd00:40::11", "cluster-cidr": "fd42::/56", "service-cidr": "fd43::/112"}),
    ("rke2-dual-stack", "joining agent: URL from the bootstrap server's IPv4",
     node(host="wrk-1", server=False, bootstrap=False, node_name="wrk-1", node_ip="198.18.40.21,fd00:40::21",
          cluster_cidr6="", service_cidr6=""),
     {"node-ip": "198.18.40.21,fd00:40::21", "server": "https://198.18.40.11:9345"}),
    ("rke2-dual-stack", "joining an IPv6-only bootstrap server: bracketed URL",
     node(bootstrap=False, bootstrap_ip="fd00:40::11", node_ip="fd00:40::12", server_ips=["fd00:40::11"]),
     {"server": "https://[fd00:40::11]:9345"}),
]


@pytest.mark.parametrize("fact, case, data, expected", BUILD, ids=[c[1] for c in BUILD])
def test_build_config_dual_stack(fact, case, data, expected):
    assert fact in FACTS
    config = rke2_config.build_config(NodeConfig.from_mapping(data))
    assert {k: config.get(k) for k in expected} == expected, FACTS[fact][1]


ERRORS = [
    ("rke2-dual-stack", "IPv6 node-ip without rke2_cluster_cidr6", node(cluster_cidr6=""),
     "host 'cpl-1': node-ip 198.18.40.11,fd00:40::11 has an IPv6 address (the cluster network has IPv6) but "
     "rke2_cluster_cidr6 is empty"),
    ("rke2-dual-stack", "rke2_service_cidr6 on an IPv4 cluster", node(node_ip="198.18.40.11"),
     "host 'cpl-1': rke2_cluster_cidr6 is set but node-ip 198.18.40.11 has no IPv6 address"),
    ("rke2-dual-stack", "v4 CIDR in rke2_cluster_cidr6", node(cluster_cidr6="10.99.0.0/16"),
     "host 'cpl-1': rke2_cluster_cidr6 '10.99.0.0/16' is not an IPv6 CIDR"),
    ("rke2-dual-stack", "IPv6-only with an IPv4 cluster CIDR", node(node_ip="fd00:40::11", cluster_cidr="10.42.0.0/16"),
     "node-ip fd00:40::11 is IPv6 only, so rke2_cluster_cidr and rke2_service_cidr (IPv4) must stay empty"),
    ("rke2-dual-stack", "two IPv4 node-ips", node(node_ip="198.18.40.11,198.18.40.12"),
     "must be one address or one per family"),
]


@pytest.mark.parametrize("fact, case, data, message", ERRORS, ids=[c[1] for c in ERRORS])
def test_config_errors_dual_stack(fact, case, data, message):
    with pytest.raises(Rke2ConfigError) as err:
        NodeConfig.from_mapping(data)
    assert message in str(err.value)


def test_adding_a_family_to_a_running_cluster_is_a_drift():
    """Fact rke2-dual-stack: the guard reports the IP families first, then the changed cluster-cidr."""
    wanted = rke2_config.build_config(NodeConfig.from_mapping(node()))
    drifts = rke2_config.drifts("cni: [multus, canal]\n", None, wanted, "vxlan")
    assert drifts[0] == {"key": "IP families", "current": ["IPv4"], "wanted": ["IPv4", "IPv6"]}
    assert {d["key"] for d in drifts} == {"IP families", "cluster-cidr", "service-cidr"}
    same = rke2_config.drifts("cni: [multus, canal]\ncluster-cidr: 10.42.0.0/16,fd42::/56\n"
                              "service-cidr: 10.43.0.0/16,fd43::/112\n", None, wanted, "vxlan")
    assert same == []


CLUSTER = {"network": "cluster", "cidr": "198.18.40.0/24", "cidr6": "fd00:40::/64", "devices": ["ens192"]}
CHARTS = [
    ("canal-v6", "canal cidr: IPv6 autodetection by cidr6, flannel iface for both families",
     cni_charts.canal_values(CLUSTER),
     {"flannel": {"backend": "vxlan", "iface": "ens192"},
      "calico": {"ipAutoDetectionMethod": "cidr=198.18.40.0/24", "ip6AutoDetectionMethod": "cidr=fd00:40::/64"}}),
    ("flannel-iface-v6", "canal interface with two names: the name regex serves both families",
     cni_charts.canal_values(dict(CLUSTER, devices=["ens192", "eth1"]), autodetect="interface"),
     {"flannel": {"backend": "vxlan", "regexIface": "^(ens192|eth1)$"},
      "calico": {"ipAutoDetectionMethod": "interface=^(ens192|eth1)$",
                 "ip6AutoDetectionMethod": "interface=^(ens192|eth1)$"}}),
    ("canal-v6", "canal on an IPv6-only cluster network",
     cni_charts.canal_values({"network": "cluster", "cidr": "fd00:40::/64", "devices": ["ens192"]}),
     {"flannel": {"backend": "vxlan", "iface": "ens192"}, "calico": {"ip6AutoDetectionMethod": "cidr=fd00:40::/64"}}),
    ("calico-v6", "calico: V4 and V6 autodetection by cidrs", cni_charts.calico_values(CLUSTER),
     {"installation": {"calicoNetwork": {"nodeAddressAutodetectionV4": {"cidrs": ["198.18.40.0/24"]},
                                         "nodeAddressAutodetectionV6": {"cidrs": ["fd00:40::/64"]}}}}),
    ("calico-v6", "calico on an IPv6-only cluster network",
     cni_charts.calico_values({"network": "cluster", "cidr": "fd00:40::/64", "devices": ["ens192"]}),
     {"installation": {"calicoNetwork": {"nodeAddressAutodetectionV6": {"cidrs": ["fd00:40::/64"]}}}}),
]


@pytest.mark.parametrize("fact, case, values, expected", CHARTS, ids=[c[1] for c in CHARTS])
def test_chart_values_dual_stack(fact, case, values, expected):
    assert fact in FACTS
    assert values == expected, FACTS[fact][1]
