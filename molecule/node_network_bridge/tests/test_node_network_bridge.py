"""node_network: host bridge (storage) and macvlan host shim (services) on both backends (podman:// backend)."""

import json

import pytest
import testinfra

PREFIX = "mh-node_network_bridge-"
HOSTS = ["wrk-1", "wrk-2"]
STATIC = {"wrk-1": {"storage": "198.18.50.21"}, "wrk-2": {"services": "198.18.60.22"}}
# a simulated pod per host and network (netns); addresses outside the DHCP pools (100-199)
POD = {"wrk-1": {"storage": "198.18.50.201", "services": "198.18.60.201"},
       "wrk-2": {"storage": "198.18.50.202", "services": "198.18.60.202"}}


@pytest.fixture(scope="module")
def hosts():
    return {name: testinfra.get_host("podman://" + PREFIX + name) for name in HOSTS}


def ip_json(host, *args):
    return json.loads(host.check_output("ip -j " + " ".join(args)))


def ipv4(host, device):
    return [a["local"] for a in ip_json(host, "addr", "show", "dev", device)[0]["addr_info"] if a["family"] == "inet"]


def address(host, name, network, device):
    found = ipv4(host, device)
    assert len(found) == 1 and found[0].startswith({"storage": "198.18.50.", "services": "198.18.60."}[network])
    if network in STATIC[name]:
        assert found == [STATIC[name][network]]
    return found[0]


@pytest.mark.parametrize("name", HOSTS)
def test_bridge_holds_the_address_and_the_nic_is_its_port(hosts, name):
    host = hosts[name]
    address(host, name, "storage", "br-storage")
    assert ipv4(host, "ens224") == []
    ports = [link["ifname"] for link in ip_json(host, "link", "show", "master", "br-storage")]
    assert ports == ["ens224"]
    assert ip_json(host, "link", "show", "dev", "br-storage")[0]["mtu"] == 1450
    assert ip_json(host, "link", "show", "dev", "ens224")[0]["mtu"] == 1450
    routes = ip_json(host, "-4", "route", "show", "198.18.70.0/24")
    assert [(r["dev"], r["gateway"]) for r in routes] == [("br-storage", "198.18.50.1")]
    stp = host.check_output("cat /sys/class/net/br-storage/bridge/stp_state")
    assert stp == "0"


@pytest.mark.parametrize("name", HOSTS)
def test_shim_holds_the_address_and_the_nic_none(hosts, name):
    host = hosts[name]
    address(host, name, "services", "mh-services")
    assert ipv4(host, "ens256") == []
    link = ip_json(host, "-d", "link", "show", "dev", "mh-services")[0]
    assert link["linkinfo"]["info_kind"] == "macvlan" and link["linkinfo"]["info_data"]["mode"] == "bridge"
    assert link["link"] == "ens256"
    defaults = ip_json(host, "-4", "route", "show", "default")
    assert [(r["dev"], r.get("gateway")) for r in defaults] == [("ens192", "198.18.40.1")]


def test_backends(hosts):
    assert hosts["wrk-1"].file("/etc/systemd/network/10-netplan-ens256.network.d/60-multihomed-shim.conf").contains(
        "MACVLAN=mh-services")
    active = hosts["wrk-2"].check_output("nmcli -t -f NAME,DEVICE connection show --active").splitlines()
    for line in ("multihomed-bridge-storage:br-storage", "multihomed-storage:ens224", "multihomed-services:ens256",
                 "multihomed-shim-services:mh-services"):
        assert line in active


@pytest.fixture(scope="module")
def pods(hosts):
    """One netns per host and network: a veth into br-storage, a macvlan (bridge mode) on ens256, as the CNI bridge
    and macvlan plugins attach pods."""
    script = """set -e
ip netns add {ns}
ip link add {ns}h type veth peer name net1 netns {ns}
ip link set {ns}h master br-storage up
ip link add {ns}m link ens256 type macvlan mode bridge
ip link set {ns}m netns {ns}
ip -n {ns} link set {ns}m name net2
ip -n {ns} link set net1 mtu 1450
ip -n {ns} addr add {storage}/24 dev net1
ip -n {ns} addr add {services}/24 dev net2
ip -n {ns} link set net1 up
ip -n {ns} link set net2 up
ip -n {ns} link set lo up
"""
    for name, host in hosts.items():
        host.run("ip netns del pod; ip link del podh")
        host.check_output(script.format(ns="pod", **POD[name]))
    yield POD
    for host in hosts.values():
        host.run("ip netns del pod; ip link del podh")


def ping(host, target, netns=None):
    prefix = "ip netns exec %s " % netns if netns else ""
    return host.run("%sping -n -q -c 2 -W 2 %s" % (prefix, target))


@pytest.mark.parametrize("src, dst", [("wrk-1", "wrk-2"), ("wrk-2", "wrk-1")])
def test_bridge_pods_reach_pods_and_nodes_on_other_hosts(hosts, pods, src, dst):
    assert ping(hosts[src], pods[dst]["storage"], "pod").rc == 0
    assert ping(hosts[src], ipv4(hosts[dst], "br-storage")[0], "pod").rc == 0


@pytest.mark.parametrize("name", HOSTS)
def test_node_reaches_its_own_pods(hosts, pods, name):
    # through the bridge, and (the host shim's point) through its own macvlan sibling of the pod's
    assert ping(hosts[name], pods[name]["storage"]).rc == 0
    assert ping(hosts[name], pods[name]["services"]).rc == 0
    assert ping(hosts[name], ipv4(hosts[name], "mh-services")[0], "pod").rc == 0
