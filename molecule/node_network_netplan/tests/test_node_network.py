"""node_network, netplan backend: the lab topology after the role ran (podman:// backend, no Ansible round trips)."""

import json

import pytest
import testinfra

PREFIX = "mh-node_network_netplan-"
# host -> network -> (device, static address or None for DHCP, cidr prefix)
PLAN = {
    "cpl-1": {"cluster": ("ens192", "198.18.40.11")},
    "wrk-1": {"cluster": ("ens192", "198.18.40.21"), "storage": ("ens224", "198.18.50.21"), "services": ("ens256", None)},
    "wrk-2": {"cluster": ("ens192", "198.18.40.22"), "storage": ("ens224", "198.18.50.22"), "services": ("ens256", None)},
}
CIDR = {"cluster": "198.18.40.", "storage": "198.18.50.", "services": "198.18.60."}
MTU = {"cluster": 1500, "storage": 1450}
AGENTS = ["wrk-1", "wrk-2"]


@pytest.fixture(scope="module")
def hosts():
    return {name: testinfra.get_host("podman://" + PREFIX + name) for name in list(PLAN) + ["gw"]}


def ip_json(host, *args):
    return json.loads(host.check_output("ip -j " + " ".join(args)))


def ipv4(host, device):
    links = ip_json(host, "addr", "show", "dev", device)
    return [a["local"] + "/" + str(a["prefixlen"]) for a in links[0]["addr_info"] if a["family"] == "inet"]


def address_on(host, network, device):
    found = [a.split("/")[0] for a in ipv4(host, device) if a.startswith(CIDR[network])]
    assert found, "%s has no address in %s0/24" % (device, CIDR[network])
    return found[0]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_addresses_and_mtu(hosts, name):
    host = hosts[name]
    for network, (device, address) in PLAN[name].items():
        addrs = ipv4(host, device)
        if address:
            assert addrs == [address + "/24"], "%s %s: %s" % (name, network, addrs)
        else:
            assert len(addrs) == 1 and addrs[0].startswith(CIDR[network]), "%s %s (DHCP): %s" % (name, network, addrs)
        if network in MTU:
            assert ip_json(host, "link", "show", "dev", device)[0]["mtu"] == MTU[network]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_exactly_one_default_route_via_cluster(hosts, name):
    routes = ip_json(hosts[name], "-4", "route", "show", "default")
    assert [(r["dev"], r.get("gateway")) for r in routes] == [("ens192", "198.18.40.1")]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_cluster_route(hosts, name):
    routes = ip_json(hosts[name], "-4", "route", "show", "198.18.70.0/24")
    assert [(r["dev"], r["gateway"], r.get("metric")) for r in routes] == [("ens192", "198.18.40.1", 200)]


@pytest.mark.parametrize("name", AGENTS)
def test_dhcp_network_brings_no_routes(hosts, name):
    routes = ip_json(hosts[name], "-4", "route", "show", "dev", "ens256")
    assert [r["dst"] for r in routes] == ["198.18.60.0/24"]


def test_server_is_not_on_storage_or_services(hosts):
    links = [link["ifname"] for link in ip_json(hosts["cpl-1"], "link", "show") if link["ifname"] != "lo"]
    assert links == ["ens192"]
    assert "ens224" not in hosts["cpl-1"].file("/etc/netplan/60-multihomed.yaml").content_string


@pytest.mark.parametrize("network", ["cluster", "storage", "services"])
def test_agents_reach_each_other(hosts, network):
    for src, dst in (("wrk-1", "wrk-2"), ("wrk-2", "wrk-1")):
        device = PLAN[src][network][0]
        target = address_on(hosts[dst], network, PLAN[dst][network][0])
        hosts[src].run_expect([0], "ping -n -q -c 1 -W 2 -I %s %s" % (device, target))


def test_server_reaches_agents_on_cluster(hosts):
    for agent in AGENTS:
        hosts["cpl-1"].run_expect([0], "ping -n -q -c 1 -W 2 -I ens192 %s" % PLAN[agent]["cluster"][1])


@pytest.mark.parametrize("name", sorted(PLAN))
def test_netplan_file(hosts, name):
    f = hosts[name].file("/etc/netplan/60-multihomed.yaml")
    assert f.mode == 0o600 and f.user == "root"
    assert f.content_string.startswith("#")
    assert sorted(hosts[name].file("/etc/netplan").listdir()) == ["60-multihomed.yaml"]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_rke2_networkmanager_fix(hosts, name):
    conf = hosts[name].file("/etc/NetworkManager/conf.d/rke2-canal.conf").content_string
    assert ("unmanaged-devices=interface-name:cali*;interface-name:flannel*;interface-name:tunl*;"
            "interface-name:vxlan.calico;interface-name:vxlan-v6.calico;interface-name:wireguard.cali;"
            "interface-name:wg-v6.cali") in conf
    assert "[keyfile]" in conf
