# -*- coding: utf-8 -*-
"""Conformance table: what the collection renders or refuses, each case beside the upstream fact it encodes.

Every case names a fact (FACTS, with the repository, path and version it was read from; the shared write-up is
../shared/UPSTREAM-FACTS.md) and gives the input and the expected output or error. When upstream changes, the fact
and its cases change together.
"""
from __future__ import annotations

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config, report
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

FACTS = {
    "host-local-per-node": (
        "host-local keeps its allocations on the node's disk, so one NAD used on several nodes hands out the same "
        "addresses on each node; RKE2's multus docs advise against host-local on multi-node clusters",
        "containernetworking/plugins plugins/ipam/host-local/backend/disk/backend.go (v1.1.1, v1.6); "
        "rancher/rke2-docs docs/networking/multus_sriov.md"),
    "host-local-pool": (
        "host-local's pool is rangeStart (default: subnet + 1) .. rangeEnd (default: last usable), minus its gateway "
        "(default: subnet + 1)",
        "containernetworking/plugins plugins/ipam/host-local/backend/allocator/range.go Canonicalize (v1.1.1)"),
    "whereabouts-cluster-wide": (
        "whereabouts allocates cluster-wide from range (range_start..range_end) and skips every CIDR in exclude; "
        "without exclude it hands out any address of the range, the gateway included",
        "k8snetworkplumbingwg/whereabouts pkg/allocate/allocate.go, pkg/config/config.go, README.md (v0.8)"),
    "static-as-given": (
        "static IPAM assigns exactly the listed addresses (IP/prefix) to every pod using the NAD",
        "containernetworking/plugins plugins/ipam/static/main.go (v1.1.1)"),
    "nm-route-metric": (
        "NM keyfile routeN=dst[,gateway[,metric]]: a metric without gateway is written dst,,metric; dst,metric "
        "reads the metric as the gateway and the route is dropped",
        "NetworkManager src/libnm-core-impl/nm-keyfile.c read_one_ip_address_or_route (1.42)"),
    "attachment-default-route": (
        "an IPAM route to 0.0.0.0/0 gives the pod a second default route through net1; the plugins accept it and "
        "the pod's off-link traffic leaves by net1; Multus's default-route selection element chooses the pod's "
        "default network instead",
        "containernetworking/plugins pkg/ipam/ipam_linux.go ConfigureIface (v1.1.1); k8snetworkplumbingwg "
        "multi-net-spec v1.2 section 4.1.2.1.9 (default-route)"),
    "dhcp-router-default-route": (
        "the dhcp IPAM returns a default route via the DHCP server's router (option 3) unless option 121 is sent; "
        "it has no switch to turn this off",
        "containernetworking/plugins plugins/ipam/dhcp/lease.go Routes() (v1.1.1 and HEAD 2026)"),
    "route-priority": (
        "CNI routes carry priority (spec 1.1.0, containernetworking/cni v1.2.0 types.Route); the plugins apply it "
        "from v1.6.0 (RKE2's rke2-multus ships cni-plugins v1.6.0 since 2024-11) and older ones ignore it; no "
        "plugin reads 'metric'",
        "containernetworking/cni pkg/types/types.go (v1.2.0); containernetworking/plugins pkg/ipam/ipam_linux.go "
        "(v1.6.0); rancher/rke2-charts packages/rke2-multus/charts/values.yaml cniplugins.image.tag"),
    "capabilities": (
        "Multus passes a pod's requested ips/mac as runtimeConfig only to a NAD declaring capabilities "
        "{ips: true}/{mac: true}; host-local (v1.0.0) and static (v0.8.2) take ips, whereabouts and dhcp do not; "
        "macvlan (v0.8.7) and bridge (v1.0.0) take mac, ipvlan and host-device do not; static rejects an ip "
        "without prefix",
        "containernetworking/cni libcni api.go injectRuntimeConfig; k8snetworkplumbingwg/multus-cni pkg/types/"
        "conf.go; containernetworking/plugins plugins/ipam/{host-local,static}/, plugins/main/{macvlan,bridge}/"),
}

NODES = [Host("s1", ["servers"], {"cluster": "198.18.40.11"}),
         Host("a1", ["agents"], {"cluster": "198.18.40.21", "storage": "198.18.50.21"}),
         Host("a2", ["agents"], {"cluster": "198.18.40.22", "storage": "198.18.50.22"})]


def model(attachment=None, **storage):
    nets = {
        "cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster",
                    "groups": ["servers", "agents"], "interface": "ens192"},
        "storage": {"cidr": "198.18.50.0/24", "gateway": "198.18.50.1", "purpose": "storage", "groups": ["agents"],
                    "interface": "ens224", "default_route": False, **storage},
    }
    if attachment is not None:
        nets["storage"]["attachment"] = attachment
    return nets


def ipam_of(rep, name="storage"):
    nad = next(n for n in rep["nads"] if n["metadata"]["name"] == name)
    return json.loads(nad["spec"]["config"])["ipam"]


CASES = [
    # (fact, case, model, expected: dict = subset of the rendered ipam | str = error | ("warn", text))
    ("host-local-per-node", "no ipam on a network of two nodes: whereabouts, nodes and gateway excluded",
     model({"name": "storage"}),
     {"type": "whereabouts", "range": "198.18.50.0/24",
      "exclude": ["198.18.50.21/32", "198.18.50.22/32", "198.18.50.1/32"]}),
    ("whereabouts-cluster-wide", "explicit whereabouts without range fields still excludes nodes and gateway",
     model({"name": "storage", "ipam": {"type": "whereabouts"}}),
     {"type": "whereabouts", "range": "198.18.50.0/24",
      "exclude": ["198.18.50.21/32", "198.18.50.22/32", "198.18.50.1/32"]}),
    ("whereabouts-cluster-wide", "user excludes kept first, reserved pools added, only what overlaps the range",
     model({"name": "storage", "ipam": {"type": "whereabouts", "range_start": "198.18.50.20",
                                        "range_end": "198.18.50.99", "exclude": ["198.18.50.30/31"]}},
           reserved=["198.18.50.40-198.18.50.47", "198.18.50.128/25"]),
     {"range_start": "198.18.50.20", "range_end": "198.18.50.99",
      "exclude": ["198.18.50.30/31", "198.18.50.21/32", "198.18.50.22/32", "198.18.50.40/29"]}),
    ("host-local-pool", "host-local over the whole subnet holds the nodes' addresses: refused",
     model({"name": "storage", "ipam": {"type": "host-local"}}),
     "network 'storage': attachment.ipam host-local pool holds 198.18.50.21, the address of host 'a1'"),
    ("host-local-pool", "host-local pool holding the network's gateway: refused",
     model({"name": "storage", "ipam": {"type": "host-local", "range_start": "198.18.50.1",
                                        "range_end": "198.18.50.9", "gateway": "198.18.50.254"}}),
     "host-local pool holds 198.18.50.1, the address of the network's gateway"),
    ("host-local-pool", "host-local's own gateway (default subnet + 1) is never handed out: allowed",
     model({"name": "storage", "ipam": {"type": "host-local", "range_start": "198.18.50.1",
                                        "range_end": "198.18.50.9"}}),
     {"type": "host-local", "ranges": [[{"subnet": "198.18.50.0/24", "rangeStart": "198.18.50.1",
                                         "rangeEnd": "198.18.50.9"}]]}),
    ("host-local-per-node", "explicit host-local on a network of two nodes renders as asked, and warns",
     model({"name": "storage", "ipam": {"type": "host-local", "range_start": "198.18.50.100",
                                        "range_end": "198.18.50.150"}}),
     ("warn", "network 'storage': attachment.ipam.type host-local allocates per node, so pods on different nodes "
              "get the SAME addresses")),
    ("host-local-pool", "host-local pool overlapping a reserved pool: refused",
     model({"name": "storage", "ipam": {"type": "host-local", "range_start": "198.18.50.100",
                                        "range_end": "198.18.50.150"}}, reserved=["198.18.50.128/28"]),
     "host-local pool overlaps the reserved pool 198.18.50.128/28"),
    ("attachment-default-route", "a default route on a services attachment renders as asked, and warns",
     {**model(), "lab": {"cidr": "198.18.70.0/24", "groups": ["agents"], "interface": "eth2", "addressing": "dhcp",
                         "attachment": {"name": "macvlan-conf", "ipam": {
                             "type": "host-local", "range_start": "198.18.70.1", "range_end": "198.18.70.100",
                             "routes": [{"dst": "0.0.0.0/0"}]}}}},
     ("warn", "network 'lab': attachment.ipam.routes holds a default route (0.0.0.0/0)")),
    ("dhcp-router-default-route", "dhcp IPAM on the storage network warns about the router's default route",
     model({"name": "storage", "ipam": {"type": "dhcp"}}),
     ("warn", "network 'storage': attachment.ipam.type dhcp gives pods a default route via the DHCP server's router")),
    ("route-priority", "an IPAM route metric is rendered as the CNI key priority",
     model({"name": "storage", "ipam": {"type": "whereabouts", "routes": [{"dst": "198.19.0.0/16",
                                                                           "gw": "198.18.50.254", "metric": 20}]}}),
     {"routes": [{"dst": "198.19.0.0/16", "gw": "198.18.50.254", "priority": 20}]}),
    ("capabilities", "capabilities the plugin cannot honour are refused",
     model({"name": "storage", "type": "ipvlan", "capabilities": {"mac": True}}),
     "network 'storage': attachment.capabilities.mac is true but the plugin ipvlan cannot take a requested mac"),
    ("static-as-given", "static address equal to a node's: refused",
     model({"name": "storage", "ipam": {"type": "static", "addresses": ["198.18.50.22/24"]}}),
     "network 'storage': attachment.ipam.addresses[0].address 198.18.50.22 is the address of host 'a2'"),
]


@pytest.mark.parametrize("fact, case, nets, expected", CASES, ids=[c[1] for c in CASES])
def test_conformance(fact, case, nets, expected):
    assert fact in FACTS, f"{case}: unknown fact {fact}"
    if isinstance(expected, str):
        with pytest.raises(ModelError) as err:
            report.build(nets, NODES)
        assert expected in str(err.value), f"{case} ({FACTS[fact][1]})"
        return
    rep = report.build(nets, NODES)
    if isinstance(expected, tuple):
        assert any(expected[1] in w for w in rep["warnings"]), (case, rep["warnings"])
        return
    ipam = ipam_of(rep)
    assert {k: ipam.get(k) for k in expected} == expected, f"{case} ({FACTS[fact][1]})"


def test_no_pod_address_is_a_node_address_on_the_rendered_config():
    """Acceptance of the correctness issue, on the rendered config: with the default attachment, every address
    whereabouts may hand out (range minus exclude) is neither a node's address nor the gateway."""
    import netaddr

    rep = report.build(model({"name": "storage"}), NODES)
    ipam = ipam_of(rep)
    pool = netaddr.IPSet([ipam["range"]]) - netaddr.IPSet(ipam["exclude"])
    for taken in ("198.18.50.21", "198.18.50.22", "198.18.50.1"):
        assert netaddr.IPAddress(taken) not in pool


@pytest.mark.parametrize("att, expected", [
    ({"type": "macvlan", "ipam": {"type": "host-local", "range_start": "198.18.50.100"}}, {"ips": True, "mac": True}),
    ({"type": "macvlan", "ipam": {"type": "whereabouts"}}, {"mac": True}),
    ({"type": "ipvlan", "ipam": {"type": "static", "addresses": ["198.18.50.9/24"]}}, {"ips": True}),
    ({"type": "ipvlan", "ipam": {"type": "dhcp"}}, None),
    ({"type": "host-device", "device": "ens300", "ipam": {"type": "dhcp"}}, None),
    ({"type": "macvlan", "capabilities": {}, "ipam": {"type": "dhcp"}}, None),
])
def test_declared_capabilities(att, expected):
    """Fact capabilities: the NAD declares what its plugin and IPAM honour."""
    conf = json.loads(report.build(model(dict(att, name="storage")), NODES)["nads"][0]["spec"]["config"])
    assert conf.get("capabilities") == expected, FACTS["capabilities"][1]


@pytest.mark.parametrize("item, expected", [
    ({"name": "storage", "namespace": "default", "ips": ["198.18.50.150/24"]},
     "network 'storage': item[0].ips cannot be honoured: NAD default/storage declares no ips capability"),
    ({"name": "storage", "namespace": "default", "ips": ["198.18.50.150"]}, "is not an address with its prefix"),
    ({"name": "storage", "namespace": "default", "mac": "02:00:00:00:00:01"}, None),
])
def test_selection_refuses_what_the_nad_cannot_honour(item, expected):
    """Fact capabilities: with the model, requested ips on a whereabouts NAD are refused, a mac on macvlan kept."""
    from ansible_collections.multihomed.rke2.plugins.module_utils import selection

    rep = report.build(model({"name": "storage"}), NODES)
    if expected is None:
        assert "02:00:00:00:00:01" in selection.network_selection([item], report=rep)
        return
    with pytest.raises(ModelError) as err:
        selection.network_selection([item], report=rep)
    assert expected in str(err.value)


@pytest.mark.parametrize("route, expected", [({"to": "198.19.0.0/16", "metric": 7}, "198.19.0.0/16,,7")])
def test_nm_route_metric_without_gateway(route, expected):
    """Fact nm-route-metric."""
    entry = {"network": "storage", "device": "ens224", "dhcp": False, "address": "198.18.50.21", "prefix": 24,
             "gateway": None, "default_route": False, "routes": [route], "mtu": None}
    conns = nic_config.nm_connections([entry])
    assert conns[0]["data"]["ipv4"]["route1"] == expected, FACTS["nm-route-metric"][1]
