# -*- coding: utf-8 -*-
"""IPv4, IPv6 and dual-stack networks, from the model to the files: one table per family rule.

As in test_conformance.py, every case names the fact it encodes (FACTS: what, and the repository, path and version
it was read from; docs/upstream-facts.md section 10 has the details). Addresses are from 198.18.0.0/15 and the
IPv6 ULA and documentation ranges only.
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import family, nic_config, report
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

FACTS = {
    "model": ("the collection's own rule: one address per host, family and network; a gateway in its family's cidr; "
              "errors name network, host, field and family", "docs/model.md"),
    "one-default-per-family": (
        "the kernel keeps one routing table per family: a host has at most one IPv4 and one IPv6 default route",
        "docs/model.md; Linux ip-route(8)"),
    "netplan-ipv6": (
        "netplan: dhcp6 runs DHCPv6, accept-ra takes router advertisements (SLAAC, default route); netplan 0.106 has "
        "no switch to ignore an advertised default route", "canonical/netplan doc/netplan-yaml.md (0.106, Debian 12)"),
    "nm-ipv6": (
        "NM keyfile [ipv6] method=manual|auto|link-local|disabled, addressN, gateway, never-default, routeN",
        "NetworkManager src/libnm-core-impl/nm-setting-ip6-config.c (1.42)"),
    "host-local-ranges": (
        "host-local gives one address per range set in ranges: [[v4 range], [v6 range]] gives one of each",
        "containernetworking/plugins plugins/ipam/host-local/backend/allocator/config.go (v1.1.1)"),
    "whereabouts-iprange": (
        "whereabouts prepends the top-level range to ipRanges and gives one address per entry; each entry has its "
        "own exclude; the one top-level gateway goes to every address",
        "k8snetworkplumbingwg/whereabouts pkg/config/config.go, cmd/whereabouts.go (3a262bd0, v0.9.4)"),
    "dhcp-ipam-v4": ("the CNI dhcp IPAM is a DHCPv4 client only",
                     "containernetworking/plugins plugins/ipam/dhcp (v1.1.1 and HEAD)"),
    "longhorn-sort": (
        "Longhorn takes the storage IP as the first of the pod's network-status IPs sorted as text, either family",
        "longhorn/longhorn-manager datastore/kubernetes.go GetIPFromPodByCNISetting (5ddaa369)"),
}

DUAL = {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "cidr6": "fd00:40::/64", "gateway6": "fd00:40::1",
        "purpose": "cluster", "groups": ["servers", "agents"], "interface": "ens192"}
V6 = {"cidr": "fd00:50::/64", "purpose": "storage", "groups": ["agents"], "interface": "ens224"}


def hosts(a6=None, s6=None):
    return [Host("s1", ["servers"], {"cluster": "198.18.40.11"}, addresses6={"cluster": "fd00:40::11"}),
            Host("a1", ["agents"], {"cluster": "198.18.40.21", "storage": s6 or "fd00:50::21"},
                 addresses6={"cluster": a6 or "fd00:40::21"})]


def nets(cluster=None, storage=None, **more):
    out = {"cluster": dict(DUAL, **(cluster or {})), "storage": dict(V6, **(storage or {}))}
    out.update(more)
    return out


ERRORS = [
    ("model", "cidr6 must be IPv6", nets({"cidr6": "198.18.41.0/24"}),
     "network 'cluster', IPv6: cidr6 '198.18.41.0/24' is not an IPv6 CIDR"),
    ("model", "cidr6 with host bits", nets({"cidr6": "fd00:40::5/64"}),
     "network 'cluster', IPv6: cidr6 fd00:40::5/64 has host bits set; did you mean fd00:40::/64?"),
    ("model", "gateway6 without cidr6", nets(storage={"gateway6": "fd00:50::1"}),
     "network 'storage', IPv6: gateway6 needs cidr6"),
    ("model", "gateway6 outside cidr6", nets({"gateway6": "fd00:41::1"}),
     "network 'cluster', IPv6: gateway6 fd00:41::1 is outside cidr fd00:40::/64"),
    ("model", "gateway6 of the other family", nets({"gateway6": "198.18.40.1"}),
     "network 'cluster', IPv6: gateway6 198.18.40.1 is IPv4 but cidr fd00:40::/64 is IPv6"),
    ("model", "IPv4 gateway on an IPv6 network", nets(storage={"gateway": "198.18.50.1"}),
     "network 'storage': gateway 198.18.50.1 is IPv4 but cidr fd00:50::/64 is IPv6"),
    ("model", "slaac is IPv6 only", nets({"addressing": "slaac"}),
     "network 'cluster': addressing 'slaac' is not one of static, dhcp, mixed"),
    ("model", "IPv6 overlap", nets(other={"cidr": "fd00:40::/48", "groups": ["agents"], "interface": "ens256"}),
     "network 'cluster', IPv6: cidr6 fd00:40::/64 overlaps network 'other' (fd00:40::/48)"),
    ("model", "v6 route without cidr6", nets(storage={"cidr": "198.18.50.0/24", "routes": [{"to": "fd00:99::/64"}]}),
     "network 'storage', IPv6: routes[0].to fd00:99::/64 is IPv6 but the network has no IPv6 cidr"),
    ("model", "v6 route via outside cidr6", nets({"routes": [{"to": "fd00:99::/64", "via": "fd00:41::1"}]}),
     "network 'cluster': routes[0].via fd00:41::1 is outside cidr fd00:40::/64"),
    ("model", "reserved outside both cidrs", nets({"reserved": ["fd00:41::/120"]}),
     "network 'cluster': reserved[0] fd00:41::/120 is outside cidr 198.18.40.0/24 or fd00:40::/64"),
    ("model", "default_route6 without gateway6", nets({"gateway6": None, "default_route6": True}),
     "network 'cluster', IPv6: default_route6 is true but the network has no gateway6"),
    ("dhcp-ipam-v4", "dhcp IPAM on an IPv6-only network", nets(storage={"attachment": {"ipam": {"type": "dhcp"}}}),
     "network 'storage', IPv6: attachment.ipam.type dhcp is IPv4 only"),
    ("whereabouts-iprange", "whereabouts gateway on dual-stack",
     nets(services={"cidr": "198.18.60.0/24", "cidr6": "fd00:60::/64", "groups": ["agents"], "interface": "ens256",
                    "addressing": "dhcp", "addressing6": "slaac",
                    "attachment": {"ipam": {"type": "whereabouts", "gateway": "198.18.60.1"}}}),
     "network 'services': attachment.ipam.gateway cannot be used on a dual-stack network"),
    ("longhorn-sort", "dual-stack storage attachment",
     nets(storage={"cidr": "198.18.50.0/24", "cidr6": "fd00:50::/64", "addressing": "dhcp", "addressing6": "slaac",
                   "attachment": {"name": "storage"}}),
     "network 'storage': attachment on a dual-stack storage network would give Longhorn's instance managers two "
     "addresses"),
    ("whereabouts-iprange", "exclude of a family the network lacks",
     nets(storage={"attachment": {"ipam": {"type": "whereabouts", "exclude": ["198.18.50.0/28"]}}}),
     "network 'storage', IPv4: attachment.ipam.exclude[0] 198.18.50.0/28 is IPv4 but the network has no IPv4 cidr"),
    ("host-local-ranges", "subnet6 outside cidr6",
     nets({"attachment": {"ipam": {"type": "host-local", "subnet6": "fd00:41::/64"}}}),
     "network 'cluster': attachment.ipam.subnet6 fd00:41::/64 is outside cidr fd00:40::/64"),
]

HOST_ERRORS = [
    ("model", "v6 address missing on a static cidr6", [Host("s1", ["servers"], {"cluster": "198.18.40.11"})],
     "network 'cluster', host 's1', IPv6: multihomed_addresses6 is missing: network 'cluster' is static-only "
     "(addressing6: static); give this host an address in fd00:40::/64"),
    ("model", "v6 address in multihomed_addresses of a dual-stack network",
     [Host("s1", ["servers"], {"cluster": "fd00:40::11"}, addresses6={"cluster": "fd00:40::12"})],
     "network 'cluster', host 's1': multihomed_addresses fd00:40::11 is IPv6 but cidr 198.18.40.0/24 is IPv4"),
    ("model", "multihomed_addresses6 on a single-family network",
     [Host("a1", ["agents"], {"cluster": "198.18.40.21", "storage": "fd00:50::21"},
           addresses6={"cluster": "fd00:40::21", "storage": "fd00:50::22"})],
     "network 'storage', host 'a1', IPv6: multihomed_addresses6 is set but the network has no cidr6"),
    ("model", "duplicate v6 address", hosts(a6="fd00:40::11"),
     "network 'cluster', host 'a1', IPv6: multihomed_addresses6 fd00:40::11 is also the address of host 's1'"),
    ("model", "v6 address is the gateway6", hosts(a6="fd00:40::1"),
     "network 'cluster', host 'a1', IPv6: multihomed_addresses6 fd00:40::1 is the network's gateway6"),
    ("model", "slaac on an IPv4 family",
     [Host("s1", ["servers"], {"cluster": "slaac"}, addresses6={"cluster": "fd00:40::11"})],
     "network 'cluster', host 's1': multihomed_addresses is 'slaac', which is IPv6 only"),
]


@pytest.mark.parametrize("fact, case, networks, expected", ERRORS, ids=[c[1] for c in ERRORS])
def test_network_family_errors(fact, case, networks, expected):
    assert fact in FACTS
    with pytest.raises(ModelError) as err:
        report.build(networks, hosts())
    assert expected in str(err.value), f"{case} ({FACTS[fact][1]}): {err.value}"


@pytest.mark.parametrize("fact, case, host_list, expected", HOST_ERRORS, ids=[c[1] for c in HOST_ERRORS])
def test_host_family_errors(fact, case, host_list, expected):
    assert fact in FACTS
    with pytest.raises(ModelError) as err:
        report.build(nets(), host_list)
    assert expected in str(err.value), f"{case}: {err.value}"


def test_one_default_route_per_family():
    """Fact one-default-per-family: an IPv4 default on one network and an IPv6 default on another are fine; a
    second IPv6 default is refused naming the family."""
    ok = nets({"default_route6": False}, {"gateway": "fd00:50::1", "default_route": True, "purpose": "other"})
    plan = report.build(ok, hosts())["plans"]["a1"]
    assert [(v["family"], e["network"]) for e in plan for v in family.views(e) if v["default_route"]] == \
        [(4, "cluster"), (6, "storage")]
    with pytest.raises(ModelError) as err:
        report.build(nets(storage={"gateway": "fd00:50::1", "default_route": True, "purpose": "other"}), hosts())
    assert "network 'storage', host 'a1', IPv6: default_route would be a second IPv6 default route on this host " \
           "(also on 'cluster')" in str(err.value)


def test_plan_keys_per_family():
    """Fact model: the keys without suffix hold the cidr's family; dual-stack adds the *6 keys; node-ip is v4,v6."""
    rep = report.build(nets(), hosts())
    cluster, storage = rep["plans"]["a1"]
    assert {k: cluster[k] for k in ("address", "prefix", "address6", "prefix6", "gateway6", "dhcp6", "slaac6")} == \
        {"address": "198.18.40.21", "prefix": 24, "address6": "fd00:40::21", "prefix6": 64, "gateway6": "fd00:40::1",
         "dhcp6": False, "slaac6": False}
    assert storage["address"] == "fd00:50::21" and "address6" not in storage and storage["slaac"] is False
    assert rep["cluster"]["node_ips"] == {"s1": "198.18.40.11,fd00:40::11", "a1": "198.18.40.21,fd00:40::21"}
    assert rep["cluster"]["cidr6"] == "fd00:40::/64"


def _services(**ipam):
    return {"cidr": "198.18.60.0/24", "cidr6": "fd00:60::/64", "groups": ["agents"], "interface": "ens256",
            "addressing": "dhcp", "addressing6": "slaac", "attachment": {"name": "services", "ipam": ipam or None}}


def _cni(rep, name):
    return next(json.loads(n["spec"]["config"]) for n in rep["nads"] if n["metadata"]["name"] == name)


NADS = [
    ("whereabouts-iprange", "whereabouts IPv6-only: nodes' /128 excluded", nets(storage={"attachment": {}}),
     "storage", {"type": "whereabouts", "range": "fd00:50::/64", "exclude": ["fd00:50::21/128"]}),
    ("whereabouts-iprange", "whereabouts dual-stack: ipRanges for IPv6 with its excludes",
     nets({"attachment": {"name": "cluster-pods", "type": "ipvlan"}}), "cluster-pods",
     {"type": "whereabouts", "range": "198.18.40.0/24",
      "exclude": ["198.18.40.11/32", "198.18.40.21/32", "198.18.40.1/32"],
      "ipRanges": [{"range": "fd00:40::/64", "exclude": ["fd00:40::11/128", "fd00:40::21/128", "fd00:40::1/128"]}]}),
    ("host-local-ranges", "host-local dual-stack: one range set per family",
     nets(services=_services(type="host-local", range_start="198.18.60.100", range_end="198.18.60.200",
                             range_start6="fd00:60::100", range_end6="fd00:60::1ff")), "services",
     {"type": "host-local", "ranges": [
         [{"subnet": "198.18.60.0/24", "rangeStart": "198.18.60.100", "rangeEnd": "198.18.60.200"}],
         [{"subnet": "fd00:60::/64", "rangeStart": "fd00:60::100", "rangeEnd": "fd00:60::1ff"}]]}),
    ("model", "static v6 address with a v6 route",
     nets(services=_services(type="static", addresses=["198.18.60.5/24", "fd00:60::5/64"],
                             routes=[{"dst": "fd00:99::/64", "gw": "fd00:60::1"}])), "services",
     {"type": "static", "addresses": [{"address": "198.18.60.5/24"}, {"address": "fd00:60::5/64"}],
      "routes": [{"dst": "fd00:99::/64", "gw": "fd00:60::1"}]}),
]


@pytest.mark.parametrize("fact, case, networks, nad, expected", NADS, ids=[c[1] for c in NADS])
def test_nad_ipam_per_family(fact, case, networks, nad, expected):
    assert fact in FACTS
    assert _cni(report.build(networks, hosts()), nad)["ipam"] == expected, FACTS[fact][1]


def test_dhcp_ipam_on_dual_stack_warns():
    rep = report.build(nets(services=_services(type="dhcp")), hosts())
    assert any("dhcp is IPv4 only: pods get no IPv6 address" in w for w in rep["warnings"])


def test_host_local_pool_holding_a_v6_node_address_is_refused():
    """Fact host-local-ranges: the IPv6 pool is checked against the nodes as the IPv4 one is."""
    with pytest.raises(ModelError) as err:
        report.build(nets({"attachment": {"name": "c", "type": "ipvlan", "ipam": {
            "type": "host-local", "range_start": "198.18.40.100", "range_start6": "fd00:40::10"}}}), hosts())
    assert "host-local pool holds fd00:40::11, the address of host 's1'" in str(err.value)


def _entry(**keys):
    base = {"network": "n", "device": "ens224", "cidr": "198.18.50.0/24", "gateway": "198.18.50.1", "mtu": None,
            "default_route": False, "routes": [], "dhcp": False, "address": "198.18.50.5", "prefix": 24}
    base.update(keys)
    return base


DS = dict(cidr6="fd00:50::/64", gateway6="fd00:50::1", default_route6=False, routes6=[], dhcp6=False,
          address6="fd00:50::5", prefix6=64, slaac6=False)
NETPLAN = [
    ("netplan-ipv6", "dual-stack static, v4 and v6 default",
     _entry(default_route=True, **{**DS, "default_route6": True}),
     {"dhcp4": False, "dhcp6": False, "accept-ra": False, "addresses": ["198.18.50.5/24", "fd00:50::5/64"],
      "routes": [{"to": "default", "via": "198.18.50.1"}, {"to": "::/0", "via": "fd00:50::1"}]}),
    ("netplan-ipv6", "dual-stack DHCPv4 + SLAAC",
     _entry(dhcp=True, address=None, prefix=None,
            **{**DS, "dhcp6": True, "slaac6": True, "address6": None, "prefix6": None}),
     {"dhcp4": True, "dhcp6": False, "accept-ra": True, "dhcp4-overrides": {"use-routes": False}}),
    ("netplan-ipv6", "IPv6-only DHCPv6 with a v6 route", _entry(
        cidr="fd00:50::/64", gateway=None, dhcp=True, slaac=False, address=None, prefix=None,
        routes=[{"to": "fd00:99::/64", "via": "fd00:50::1"}]),
     {"dhcp4": False, "dhcp6": True, "accept-ra": True, "routes": [{"to": "fd00:99::/64", "via": "fd00:50::1"}]}),
    ("netplan-ipv6", "IPv6-only static default", _entry(
        cidr="fd00:50::/64", gateway="fd00:50::1", default_route=True, address="fd00:50::5", prefix=64, slaac=False),
     {"dhcp4": False, "dhcp6": False, "accept-ra": False, "addresses": ["fd00:50::5/64"],
      "routes": [{"to": "::/0", "via": "fd00:50::1"}]}),
]


@pytest.mark.parametrize("fact, case, entry, expected", NETPLAN, ids=[c[1] for c in NETPLAN])
def test_netplan_per_family(fact, case, entry, expected):
    assert fact in FACTS
    assert nic_config.netplan_config([entry])["network"]["ethernets"]["ens224"] == expected, FACTS[fact][1]


@pytest.mark.skipif(not shutil.which("netplan"), reason="netplan is not installed")
@pytest.mark.parametrize("fact, case, entry, expected", NETPLAN, ids=[c[1] for c in NETPLAN])
def test_netplan_per_family_passes_netplan_generate(tmp_path, fact, case, entry, expected):
    """netplan itself accepts the document and writes networkd's view of both families."""
    conf = tmp_path / "etc" / "netplan"
    conf.mkdir(parents=True)
    target = conf / "60-multihomed.yaml"
    target.write_text(yaml.safe_dump(nic_config.netplan_config([entry])))
    target.chmod(0o600)
    res = subprocess.run(["netplan", "generate", "--root-dir", str(tmp_path)], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stderr
    network = (tmp_path / "run" / "systemd" / "network" / "10-netplan-ens224.network").read_text()
    assert ("IPv6AcceptRA=yes" if expected["accept-ra"] else "IPv6AcceptRA=no") in network
    for address in expected.get("addresses", []):
        assert f"Address={address}" in network
    if expected["dhcp6"] or expected["dhcp4"]:
        assert "DHCP=" in network
    if {"to": "::/0", "via": "fd00:50::1"} in expected.get("routes", []):
        assert "Destination=::/0\nGateway=fd00:50::1" in network


NM = [
    ("nm-ipv6", "dual-stack static, v6 off the default route", _entry(default_route=True, **DS),
     {"method": "manual", "address1": "198.18.50.5/24", "gateway": "198.18.50.1"},
     {"method": "manual", "address1": "fd00:50::5/64", "never-default": True}),
    ("nm-ipv6", "dual-stack with SLAAC as the v6 default route",
     _entry(**{**DS, "dhcp6": True, "slaac6": True, "address6": None, "prefix6": None, "default_route6": True}),
     {"method": "manual", "address1": "198.18.50.5/24", "never-default": True}, {"method": "auto"}),
    ("nm-ipv6", "IPv6-only: [ipv4] disabled, RA without default route", _entry(
        cidr="fd00:50::/64", gateway=None, dhcp=True, slaac=True, address=None, prefix=None),
     {"method": "disabled"}, {"method": "auto", "never-default": True, "ignore-auto-routes": True}),
    ("nm-ipv6", "IPv4-only stays link-local", _entry(), {"method": "manual", "address1": "198.18.50.5/24",
                                                         "never-default": True}, {"method": "link-local"}),
]


@pytest.mark.parametrize("fact, case, entry, ipv4, ipv6", NM, ids=[c[1] for c in NM])
def test_nm_per_family(fact, case, entry, ipv4, ipv6):
    assert fact in FACTS
    data = nic_config.nm_connections([entry])[0]["data"]
    assert (data["ipv4"], data["ipv6"]) == (ipv4, ipv6), FACTS[fact][1]


def test_networkd_shim_dual_stack():
    entry = _entry(shim="mh-n", default_route=True, **{**DS, "default_route6": True})
    network = dict(nic_config.networkd_shims([entry])[1]["sections"][1:])["Network"]
    assert network == [["Address", "198.18.50.5/24"], ["Address", "fd00:50::5/64"], ["Gateway", "198.18.50.1"],
                       ["Gateway", "fd00:50::1"], ["LinkLocalAddressing", "ipv6"], ["IPv6AcceptRA", False]]


def test_check_plan_names_the_missing_v6_address():
    with pytest.raises(ModelError) as err:
        nic_config.netplan_config([_entry(**{**DS, "address6": None})])
    assert "a static entry needs address and prefix6" in str(err.value)


def test_example_dualstack_inventory():
    """inventories/example-dualstack validates and gives what docs/model.md promises: v4,v6 node-ips, one default
    route per family on the cluster network, whereabouts with one range per family, storage left IPv4."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    inv = os.path.join(root, "inventories", "example-dualstack")
    with open(os.path.join(inv, "group_vars", "all", "networks.yml")) as f:
        networks = yaml.safe_load(f)["multihomed_networks"]
    with open(os.path.join(inv, "hosts.yml")) as f:
        groups = yaml.safe_load(f)["rke2_cluster"]["children"]
    host_list = []
    for group, spec in groups.items():
        for name in spec["hosts"]:
            with open(os.path.join(inv, "host_vars", f"{name}.yml")) as f:
                host_vars = yaml.safe_load(f)
            host_list.append(Host.from_vars(name, dict(host_vars, group_names=[group])))
    rep = report.build(networks, host_list)
    assert rep["cluster"]["node_ips"]["multi-homed-wrk-1"] == "172.16.40.47,fd00:172:16:40::47"
    plan = rep["plans"]["multi-homed-wrk-1"]
    assert [(v["family"], e["network"]) for e in plan for v in family.views(e) if v["default_route"]] == \
        [(4, "cluster"), (6, "cluster")]
    services = _cni(rep, "macvlan-private")["ipam"]
    assert services["ipRanges"][0]["range"] == "fd00:172:16:60::/64"
    assert "cidr6" not in rep["attachments"]["storage"]
