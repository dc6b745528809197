# -*- coding: utf-8 -*-
# Table tests of node_network's decisions (nic_state): probe, devices, what was seen, problems, ping targets.
from __future__ import annotations

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state


def E(network, device, **kw):
    entry = {"network": network, "purpose": "other", "device": device, "parent": None, "vlan": None, "mac": None,
             "cidr": "198.18.50.0/24", "gateway": None, "mtu": None, "default_route": False, "routes": [],
             "dhcp": False, "address": "198.18.50.21", "prefix": 24}
    entry.update(kw)
    return entry


FACTS = {"interfaces": ["lo", "ens192", "eth9"], "ens192": {"macaddress": "52:54:00:00:00:01"},
         "eth9": {"macaddress": "52:54:00:00:00:AA"}, "lo": {}}


@pytest.mark.parametrize("plan, expected", [
    ([E("cluster", "ens192")], {"problems": [], "renames": [], "rename_steps": []}),
    ([E("storage", "ens224")],
     {"problems": ["host 'h1', network 'storage': device ens224 not found (the host has: ens192, eth9)"],
      "renames": [], "rename_steps": []}),
    ([E("storage", "ens224.50", parent="ens224", vlan=50)],
     {"problems": ["host 'h1', network 'storage': parent of ens224.50 ens224 not found (the host has: ens192, eth9)"],
      "renames": [], "rename_steps": []}),
    ([E("storage", "ens224", mac="52:54:00:00:00:aa")],
     {"problems": [], "renames": [{"from": "eth9", "to": "ens224"}],
      "rename_steps": ["link set dev eth9 down", "link set dev eth9 name ens224", "link set dev ens224 up"]}),
    ([E("cluster", "ens192", mac="52:54:00:00:00:02")],
     {"problems": ["host 'h1', network 'cluster': device ens192 has MAC 52:54:00:00:00:01, the plan says "
                   "52:54:00:00:00:02"], "renames": [], "rename_steps": []}),
])
def test_devices(plan, expected):
    assert nic_state.devices(plan, FACTS, "h1") == expected


IP = json.dumps([
    {"ifname": "ens192", "mtu": 1500, "addr_info": [{"family": "inet", "local": "198.18.40.21", "prefixlen": 24}]},
    {"ifname": "br-lab", "mtu": 1500, "addr_info": [{"family": "inet", "local": "198.18.70.9", "prefixlen": 24},
                                                    {"family": "inet6", "local": "fe80::1", "prefixlen": 64}]},
    {"ifname": "ens224", "mtu": 9000, "addr_info": []},
])
PLAN = [E("cluster", "ens192", cidr="198.18.40.0/24", address="198.18.40.21", default_route=True,
          gateway="198.18.40.1", mtu=1500),
        E("lab", "ens161", bridge="br-lab", cidr="198.18.70.0/24", dhcp=True, address=None, prefix=None),
        E("storage", "ens224", mtu=1500)]


def test_seen_and_problems():
    state = nic_state.seen(PLAN, [IP, json.dumps([{"dst": "default", "dev": "ens192"}])])
    assert state["seen"] == {
        "cluster": {"device": "ens192", "exists": True, "mtu": 1500, "address": "198.18.40.21"},
        "lab": {"device": "br-lab", "exists": True, "mtu": 1500, "address": "198.18.70.9"},
        "storage": {"device": "ens224", "exists": True, "mtu": 9000, "address": None}}
    assert state["missing"] == ["storage"]
    assert nic_state.problems(PLAN, state, 60) == [
        "network 'storage': ens224 has no address 198.18.50.21 after 60s",
        "network 'storage': ens224 has MTU 9000, the plan says 1500"]


@pytest.mark.parametrize("routes, expected", [
    ([], "expected exactly one default route, via ens192; found: none"),
    ([{"dev": "ens192"}, {"dev": "ens224"}], "expected exactly one default route, via ens192; found: ens192, ens224"),
    ([{"dev": "ens224"}], "expected exactly one default route, via ens192; found: ens224"),
])
def test_default_route_problems(routes, expected):
    state = nic_state.seen(PLAN[:1], [IP, json.dumps(routes)])
    assert nic_state.problems(PLAN[:1], state, 60) == [expected]


def test_missing_device_and_no_output_yet():
    state = nic_state.seen([E("x", "ens300")], [])
    assert state == {"seen": {"x": {"device": "ens300", "exists": False, "mtu": None, "address": None}},
                     "missing": ["x"], "default_routes": [], "default_routes6": None}
    assert nic_state.problems([E("x", "ens300")], state, 5) == ["network 'x': device ens300 does not exist"]


def test_ping_targets():
    plan = [E("cluster", "ens192", gateway="198.18.40.1"), E("lab", "ens161", shim="mh-lab")]
    peers = {"h1": {"cluster": {"address": "198.18.40.21"}},
             "h2": {"cluster": {"address": "198.18.40.22"}, "lab": {"address": None}},
             "h3": None}
    targets = nic_state.ping_targets(plan, "h1", peers)
    assert targets == [
        {"network": "cluster", "device": "ens192", "target": "198.18.40.1", "what": "gateway"},
        {"network": "cluster", "device": "ens192", "target": "198.18.40.22", "what": "host h2"}]
    # a planned MTU goes with every target of its network (the path MTU check)
    jumbo = nic_state.ping_targets([E("cluster", "ens192", gateway="198.18.40.1", mtu=9000)], "h1", peers)
    assert [t["mtu"] for t in jumbo] == [9000, 9000]


# IPv6 and dual-stack (issue 14): ``ip -j`` shapes of iproute2 6.1 (Debian 12); link-local addresses never count.
def _link(name, *addrs, mtu=1500):
    info = [{"family": "inet6" if ":" in a else "inet", "local": a.split("/")[0], "prefixlen": int(a.split("/")[1]),
             "scope": "link" if a.startswith("fe80") else "global"} for a in addrs]
    return {"ifname": name, "mtu": mtu, "addr_info": info}


DUAL = E("cluster", "ens192", cidr="198.18.40.0/24", address="198.18.40.11", default_route=True,
         gateway="198.18.40.1", cidr6="2001:db8:40::/64", address6="2001:db8:40::11", prefix6=64, gateway6="2001:db8:40::1",
         default_route6=True, dhcp6=False, slaac6=False)
V6SLAAC = E("storage", "ens224", cidr="2001:db8:50::/64", address=None, prefix=None, dhcp=True, slaac=True)


@pytest.mark.parametrize("addrs, routes6, problems", [
    (["198.18.40.11/24", "2001:db8:40::11/64", "fe80::1/64"], [{"dev": "ens192"}], []),
    # the v6 address normalised: 2001:db8:40:0::11 is 2001:db8:40::11
    (["198.18.40.11/24", "2001:db8:40:0::11/64"], [{"dev": "ens192"}], []),
    (["198.18.40.11/24", "fe80::1/64"], [{"dev": "ens192"}],
     ["network 'cluster': ens192 has no address 2001:db8:40::11 after 5s"]),
    (["198.18.40.11/24", "2001:db8:40::11/64"], [],
     ["expected exactly one IPv6 default route, via ens192; found: none"]),
    (["198.18.40.11/24", "2001:db8:40::11/64"], [{"dev": "ens192"}, {"dev": "ens224"}],
     ["expected exactly one IPv6 default route, via ens192; found: ens192, ens224"]),
])
def test_dual_stack_addresses_and_one_default_route_per_family(addrs, routes6, problems):
    lines = [json.dumps([_link("ens192", *addrs)]), json.dumps([{"dev": "ens192"}]), json.dumps(routes6)]
    state = nic_state.seen([DUAL], lines)
    assert nic_state.problems([DUAL], state, 5) == problems
    assert state["seen"]["cluster"]["address"] == "198.18.40.11"


def test_ipv6_default_routes_not_read_are_not_judged():
    lines = [json.dumps([_link("ens192", "198.18.40.11/24", "2001:db8:40::11/64")]), json.dumps([{"dev": "ens192"}])]
    state = nic_state.seen([DUAL], lines)
    assert state["default_routes6"] is None and nic_state.problems([DUAL], state, 5) == []


@pytest.mark.parametrize("addrs, address, problems", [
    (["2001:db8:50::5054:ff:fe12:3456/64"], "2001:db8:50:0:5054:ff:fe12:3456", []),
    (["fe80::5054:ff:fe12:3456/64"], None,
     ["network 'storage': ens224 has no address from SLAAC in 2001:db8:50::/64 after 5s"]),
    (["2001:db8:99::1/64"], None, ["network 'storage': ens224 has no address from SLAAC in 2001:db8:50::/64 after 5s"]),
])
def test_ipv6_only_slaac_network(addrs, address, problems):
    state = nic_state.seen([V6SLAAC], [json.dumps([_link("ens224", *addrs)]), "[]", "[]"])
    assert state["seen"]["storage"]["address"] == address
    assert state["missing"] == ([] if address else ["storage"])
    assert nic_state.problems([V6SLAAC], state, 5) == problems
