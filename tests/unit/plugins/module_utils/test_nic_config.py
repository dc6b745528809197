# -*- coding: utf-8 -*-
# Table-driven tests of the netplan and NetworkManager rendering of a NIC plan.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil
import subprocess

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import plan
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError, Problems
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host, load_networks
from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config


def E(network, device, **kw):
    entry = {"network": network, "purpose": "other", "device": device, "parent": None, "vlan": None, "mac": None,
             "cidr": "10.0.0.0/24", "gateway": None, "mtu": None, "default_route": False, "routes": [],
             "dhcp": False, "address": "10.0.0.5", "prefix": 24}
    entry.update(kw)
    return entry


NETPLAN = [
    ("static with default route",
     [E("cluster", "ens192", gateway="10.0.0.1", default_route=True, mtu=9000)],
     {"ens192": {"dhcp4": False, "addresses": ["10.0.0.5/24"], "routes": [{"to": "default", "via": "10.0.0.1"}],
                 "mtu": 9000}}, None),
    ("dhcp without default route ignores DHCP routes",
     [E("storage", "ens224", dhcp=True, address=None, prefix=None)],
     {"ens224": {"dhcp4": True, "dhcp4-overrides": {"use-routes": False}}}, None),
    ("dhcp carrying the default route keeps DHCP routes",
     [E("cluster", "ens192", dhcp=True, address=None, prefix=None, default_route=True)],
     {"ens192": {"dhcp4": True}}, None),
    ("gateway without default_route is not a default route",
     [E("storage", "ens224", gateway="10.0.0.1")],
     {"ens224": {"dhcp4": False, "addresses": ["10.0.0.5/24"]}}, None),
    ("routes, on-link when no via",
     [E("other", "ens256", routes=[{"to": "10.9.0.0/16", "via": "10.0.0.254", "metric": 5}, {"to": "10.8.0.0/16"}])],
     {"ens256": {"dhcp4": False, "addresses": ["10.0.0.5/24"],
                 "routes": [{"to": "10.9.0.0/16", "via": "10.0.0.254", "metric": 5},
                            {"to": "10.8.0.0/16", "scope": "link"}]}}, None),
    ("match by mac",
     [E("cluster", "ens192", mac="52:54:00:00:00:01")],
     {"ens192": {"dhcp4": False, "addresses": ["10.0.0.5/24"], "match": {"macaddress": "52:54:00:00:00:01"},
                 "set-name": "ens192"}}, None),
    ("vlan sub-interfaces on a trunk, trunk mtu raised",
     [E("cluster", "ens160.40", parent="ens160", vlan=40, mtu=1500),
      E("storage", "ens160.50", parent="ens160", vlan=50, mtu=9000, dhcp=True, address=None, prefix=None)],
     {"ens160": {"mtu": 9000}},
     {"ens160.40": {"id": 40, "link": "ens160", "dhcp4": False, "addresses": ["10.0.0.5/24"], "mtu": 1500},
      "ens160.50": {"id": 50, "link": "ens160", "dhcp4": True, "dhcp4-overrides": {"use-routes": False}, "mtu": 9000}}),
    ("macvlan host shim: the parent keeps no address (the shim is in networkd_shims)",
     [E("services", "ens256", shim="mh-services", mtu=1500)],
     {"ens256": {"mtu": 1500}}, None),
    ("macvlan host shim on a sub-interface",
     [E("services", "ens160.60", parent="ens160", vlan=60, shim="mh-services")],
     {"ens160": {}}, {"ens160.60": {"id": 60, "link": "ens160"}}),
]

BRIDGE_STP = {"stp": False, "forward-delay": 0}
NETPLAN_BRIDGES = [
    ("the NIC is the port, the address, default route and MTU move to the bridge",
     [E("lab", "eth2", bridge="br-lab", gateway="10.0.0.1", default_route=True, mtu=9000)],
     {"eth2": {"mtu": 9000}}, None,
     {"br-lab": {"interfaces": ["eth2"], "parameters": BRIDGE_STP, "dhcp4": False, "addresses": ["10.0.0.5/24"],
                 "routes": [{"to": "default", "via": "10.0.0.1"}], "mtu": 9000}}),
    ("DHCP on the bridge, routes with it; the port matched by MAC",
     [E("lab", "eth2", bridge="br-lab", dhcp=True, address=None, prefix=None, mac="52:54:00:00:00:07",
        routes=[{"to": "10.8.0.0/16"}])],
     {"eth2": {"match": {"macaddress": "52:54:00:00:00:07"}, "set-name": "eth2"}}, None,
     {"br-lab": {"interfaces": ["eth2"], "parameters": BRIDGE_STP, "dhcp4": True,
                 "dhcp4-overrides": {"use-routes": False}, "routes": [{"to": "10.8.0.0/16", "scope": "link"}]}}),
    ("a VLAN sub-interface is the port; other networks unchanged",
     [E("cluster", "ens192", gateway="10.0.0.1", default_route=True),
      E("lab", "ens160.70", parent="ens160", vlan=70, bridge="br-lab", address="10.0.70.5", mtu=1500)],
     {"ens192": {"dhcp4": False, "addresses": ["10.0.0.5/24"], "routes": [{"to": "default", "via": "10.0.0.1"}]},
      "ens160": {"mtu": 1500}},
     {"ens160.70": {"id": 70, "link": "ens160", "mtu": 1500}},
     {"br-lab": {"interfaces": ["ens160.70"], "parameters": BRIDGE_STP, "dhcp4": False, "addresses": ["10.0.70.5/24"],
                 "mtu": 1500}}),
]


@pytest.mark.parametrize("case, plan, ethernets, vlans, bridges", NETPLAN_BRIDGES, ids=[c[0] for c in NETPLAN_BRIDGES])
def test_netplan_bridges(case, plan, ethernets, vlans, bridges):
    network = nic_config.netplan_config(plan)["network"]
    assert network["ethernets"] == ethernets
    assert network.get("vlans") == vlans
    assert network["bridges"] == bridges
    assert {nic_config.l3_device(e) for e in plan if e["network"] == "lab"} == {"br-lab"}


NETPLAN_GENERATE = shutil.which("netplan")


@pytest.mark.skipif(not NETPLAN_GENERATE, reason="netplan is not installed")
@pytest.mark.parametrize("case, plan, ethernets, vlans, bridges", NETPLAN_BRIDGES, ids=[c[0] for c in NETPLAN_BRIDGES])
def test_netplan_bridges_pass_netplan_generate(tmp_path, case, plan, ethernets, vlans, bridges):
    """netplan itself accepts the document (ports defined, bridge parameters) and writes the bridge and its port."""
    conf = tmp_path / "etc" / "netplan"
    conf.mkdir(parents=True)
    target = conf / "60-multihomed.yaml"
    target.write_text(yaml.safe_dump(nic_config.netplan_config(plan)))
    target.chmod(0o600)
    res = subprocess.run([NETPLAN_GENERATE, "generate", "--root-dir", str(tmp_path)], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "run" / "systemd" / "network"
    netdev = (out / "10-netplan-br-lab.netdev").read_text()
    assert "Kind=bridge" in netdev and "STP=false" in netdev and "ForwardDelaySec=0" in netdev
    port = plan[-1]["device"]
    assert "Bridge=br-lab" in (out / ("10-netplan-%s.network" % port)).read_text()
    bridge = (out / "10-netplan-br-lab.network").read_text()
    assert ("DHCP=ipv4" if plan[-1]["dhcp"] else "Address=%s/24" % plan[-1]["address"]) in bridge


@pytest.mark.parametrize("case, plan, ethernets, vlans", NETPLAN, ids=[c[0] for c in NETPLAN])
def test_netplan_config(case, plan, ethernets, vlans):
    doc = nic_config.netplan_config(plan)
    expected = {"version": 2, "renderer": "networkd", "ethernets": ethernets}
    if vlans:
        expected["vlans"] = vlans
    assert doc == {"network": expected}


def test_netplan_from_the_model():
    nets = {"cluster": {"vlan": 40, "cidr": "172.16.40.0/24", "gateway": "172.16.40.1", "purpose": "cluster",
                        "groups": ["agents"], "parent": "ens160"},
            "storage": {"vlan": 50, "cidr": "172.16.50.0/24", "purpose": "storage", "groups": ["agents"],
                        "interface": "ens224", "addressing": "dhcp"}}
    problems = Problems()
    host_plan = plan.host_plan(load_networks(nets), Host("w1", ["agents"], {"cluster": "172.16.40.47"}), problems)
    assert not problems.items
    doc = nic_config.netplan_config(host_plan, renderer="NetworkManager")["network"]
    assert doc["renderer"] == "NetworkManager"
    assert doc["ethernets"] == {"ens224": {"dhcp4": True, "dhcp4-overrides": {"use-routes": False}}, "ens160": {}}
    assert doc["vlans"]["ens160.40"]["routes"] == [{"to": "default", "via": "172.16.40.1"}]


def by_id(conns):
    return {c["id"]: c for c in conns}


def test_nm_static_default_and_dhcp():
    plan = [E("cluster", "ens192", gateway="10.0.0.1", default_route=True, mtu=9000, mac="52:54:00:00:00:01"),
            E("storage", "ens224", dhcp=True, address=None, prefix=None,
              routes=[{"to": "10.9.0.0/16", "via": "10.0.0.254", "metric": 5}])]
    conns = by_id(nic_config.nm_connections(plan, "mh-", 20))
    cluster = conns["mh-cluster"]["data"]
    assert cluster["connection"]["type"] == "ethernet" and cluster["connection"]["interface-name"] == "ens192"
    assert cluster["connection"]["autoconnect-priority"] == 20
    assert cluster["ethernet"] == {"mtu": 9000, "mac-address": "52:54:00:00:00:01"}
    assert cluster["ipv4"] == {"method": "manual", "address1": "10.0.0.5/24", "gateway": "10.0.0.1"}
    storage = conns["mh-storage"]["data"]
    assert storage["ipv4"] == {"method": "auto", "never-default": True, "ignore-auto-routes": True,
                               "route1": "10.9.0.0/16,10.0.0.254,5"}
    assert storage["ipv6"] == {"method": "link-local"}


def test_nm_vlan_and_bare_trunk():
    plan = [E("cluster", "ens160.40", parent="ens160", vlan=40, mtu=1500, mac="52:54:00:00:00:02"),
            E("storage", "ens160.50", parent="ens160", vlan=50, mtu=9000)]
    conns = nic_config.nm_connections(plan)
    assert [c["id"] for c in conns] == ["multihomed-trunk-ens160", "multihomed-cluster", "multihomed-storage"]
    trunk = conns[0]
    assert trunk["trunk"] is True
    assert trunk["data"]["ethernet"] == {"mtu": 9000, "mac-address": "52:54:00:00:00:02"}
    assert trunk["data"]["ipv4"] == {"method": "disabled"}
    vlan = conns[1]["data"]
    assert vlan["connection"]["type"] == "vlan" and vlan["vlan"] == {"id": 40, "parent": "ens160"}
    assert "mac-address" not in vlan["ethernet"]


def test_nm_uuids_are_stable_and_distinct():
    plan = [E("a", "ens1"), E("b", "ens2", address="10.0.0.6")]
    first = [c["data"]["connection"]["uuid"] for c in nic_config.nm_connections(plan)]
    again = [c["data"]["connection"]["uuid"] for c in nic_config.nm_connections(plan)]
    assert first == again and len(set(first)) == 2
    # the same value Ansible's to_uuid filter gives for 'multihomed.rke2/multihomed-a'
    assert first[0] == "f8ca2a5e-fa06-560e-86e5-d24bd09d4e93"


@pytest.mark.parametrize("route, expected", [
    # NM keyfile routeN = dst[,gateway[,metric]]: without a gateway the metric needs an empty gateway field, or NM
    # reads the metric as the gateway and drops the route (NetworkManager keyfile reader; shared UPSTREAM-FACTS).
    ({"to": "10.9.0.0/16", "metric": 5}, "10.9.0.0/16,,5"),
    ({"to": "10.9.0.0/16", "via": "10.0.0.254", "metric": 5}, "10.9.0.0/16,10.0.0.254,5"),
    ({"to": "10.9.0.0/16", "via": "10.0.0.254"}, "10.9.0.0/16,10.0.0.254"),
    ({"to": "10.9.0.0/16"}, "10.9.0.0/16"),
])
def test_nm_route_keyfile_value(route, expected):
    conns = by_id(nic_config.nm_connections([E("storage", "ens224", routes=[route])]))
    assert conns["multihomed-storage"]["data"]["ipv4"]["route1"] == expected


@pytest.mark.parametrize("plan, expected", [
    ("ens192", "plan: must be a list of NIC plan entries"),
    (["x"], "plan[0]: must be a mapping, got str"),
    ([{"network": "cluster", "device": "ens192"}], "plan[0] (network 'cluster'): missing dhcp, address, prefix, "
                                                   "gateway, default_route"),
    ([dict(E("cluster", "ens192"), address=None)], "a static entry needs address and prefix"),
    ([dict(E("cluster", "ens192"), routes=[{"via": "10.0.0.1"}])], "routes[0] must be a mapping with 'to'"),
])
def test_bad_plans_are_model_errors(plan, expected):
    for render in (nic_config.netplan_config, nic_config.nm_connections):
        with pytest.raises(ModelError) as err:
            render(plan)
        assert expected in str(err.value)


def test_nm_bridge_and_port():
    plan = [E("lab", "eth2", bridge="br-lab", mtu=9000, mac="52:54:00:00:00:07", gateway="10.0.0.1",
              default_route=True)]
    conns = nic_config.nm_connections(plan, "mh-", 20)
    assert [(c["id"], c["device"]) for c in conns] == [("mh-bridge-lab", "br-lab"), ("mh-lab", "eth2")]
    bridge, port = conns[0]["data"], conns[1]["data"]
    assert bridge["connection"]["type"] == "bridge" and bridge["connection"]["autoconnect-slaves"] == 1
    assert bridge["bridge"] == {"stp": False, "forward-delay": 0} and bridge["ethernet"] == {"mtu": 9000}
    assert bridge["ipv4"] == {"method": "manual", "address1": "10.0.0.5/24", "gateway": "10.0.0.1"}
    assert port["connection"]["type"] == "ethernet"
    assert (port["connection"]["master"], port["connection"]["slave-type"]) == ("br-lab", "bridge")
    assert "controller" not in port["connection"] and "port-type" not in port["connection"]  # NM >= 1.46 only
    assert port["ethernet"] == {"mtu": 9000, "mac-address": "52:54:00:00:00:07"}
    assert "ipv4" not in port and "ipv6" not in port


def test_nm_bridge_on_a_vlan_port():
    plan = [E("lab", "ens160.70", parent="ens160", vlan=70, bridge="br-lab", dhcp=True, address=None, prefix=None)]
    conns = nic_config.nm_connections(plan)
    assert [c["id"] for c in conns] == ["multihomed-trunk-ens160", "multihomed-bridge-lab", "multihomed-lab"]
    port = conns[2]["data"]
    assert port["connection"]["type"] == "vlan" and port["vlan"] == {"id": 70, "parent": "ens160"}
    assert port["connection"]["master"] == "br-lab"
    assert conns[1]["data"]["ipv4"] == {"method": "auto", "never-default": True, "ignore-auto-routes": True}


def test_nm_macvlan_shim():
    plan = [E("services", "ens256", shim="mh-services", mtu=1500, routes=[{"to": "10.8.0.0/16", "metric": 5}])]
    conns = nic_config.nm_connections(plan)
    assert [(c["id"], c["device"]) for c in conns] == [
        ("multihomed-services", "ens256"), ("multihomed-shim-services", "mh-services")]
    parent, shim = conns[0]["data"], conns[1]["data"]
    assert parent["ipv4"] == {"method": "disabled"} and parent["ipv6"] == {"method": "disabled"}
    assert parent["ethernet"] == {"mtu": 1500}
    assert shim["connection"]["type"] == "macvlan" and shim["connection"]["interface-name"] == "mh-services"
    assert shim["macvlan"] == {"parent": "ens256", "mode": 2}  # NM_SETTING_MACVLAN_MODE_BRIDGE
    assert shim["ethernet"] == {"cloned-mac-address": "stable", "mtu": 1500}
    assert shim["ipv4"] == {"method": "manual", "address1": "10.0.0.5/24", "never-default": True,
                            "route1": "10.8.0.0/16,,5"}


def sections(files):
    return {f["path"]: f["sections"] for f in files}


NETWORKD_SHIMS = [
    ("static, default route, routes, MTU",
     E("services", "ens256", shim="mh-services", mtu=1500, gateway="10.0.0.1", default_route=True,
       routes=[{"to": "10.9.0.0/16", "via": "10.0.0.254", "metric": 5}, {"to": "10.8.0.0/16"}]),
     [["Match", [["Name", "mh-services"]]], ["Link", [["MTUBytes", 1500]]],
      ["Network", [["Address", "10.0.0.5/24"], ["Gateway", "10.0.0.1"], ["LinkLocalAddressing", "no"]]],
      ["Route", [["Destination", "10.9.0.0/16"], ["Gateway", "10.0.0.254"], ["Metric", 5]]],
      ["Route", [["Destination", "10.8.0.0/16"], ["Scope", "link"]]]]),
    ("DHCP without the default route ignores the DHCP routes",
     E("services", "ens192.60", parent="ens192", vlan=60, shim="mh-services", dhcp=True, address=None, prefix=None),
     [["Match", [["Name", "mh-services"]]],
      ["Network", [["DHCP", "ipv4"], ["LinkLocalAddressing", "no"]]],
      ["DHCPv4", [["UseRoutes", False], ["UseGateway", False]]]]),
]


@pytest.mark.parametrize("case, entry, network", NETWORKD_SHIMS, ids=[c[0] for c in NETWORKD_SHIMS])
def test_networkd_shims(case, entry, network):
    files = sections(nic_config.networkd_shims([E("cluster", "ens1"), entry]))
    mtu = [["MTUBytes", 1500]] if entry["mtu"] else []
    netdev = [["NetDev", [["Name", "mh-services"], ["Kind", "macvlan"]] + mtu],
              ["MACVLAN", [["Mode", "bridge"]]]]
    assert files == {
        "60-multihomed-mh-services.netdev": netdev,
        "60-multihomed-mh-services.network": network,
        # a drop-in on netplan's own .network of the parent stacks the shim on it
        "10-netplan-%s.network.d/60-multihomed-shim.conf" % entry["device"]:
            [["Network", [["MACVLAN", "mh-services"]]]],
    }


def test_no_shim_no_networkd_files():
    assert nic_config.networkd_shims([E("cluster", "ens1"), E("lab", "eth2", bridge="br-lab")]) == []
