# -*- coding: utf-8 -*-
"""CNI configs rendered by the collection's filters, executed by Debian's real CNI plugins.

Topology (all in namespaces made here, 198.18.70.0/24 and 198.18.71.0/24, IPv6 2001:db8:71::/64 and 2001:db8:72::/64
from the documentation prefix, no route out):
  two L2 segments (a bridge in its own namespace each), two "nodes" with ens224 on segment A and ens256 on
  segment B (node1 also has a spare NIC ens300 on A for host-device), a peer on each segment at .254 running
  dnsmasq as DHCP server (.100-.150), and the CNI dhcp daemon. Pods are namespaces attached by the plugins.
"""
import ipaddress
import json
import os
import shutil
import subprocess
import time

import pytest

from cni import CNI_PATH, Netns, cni, veth

from ansible_collections.multihomed.rke2.plugins.filter.nad_manifests import nad_manifests
from ansible_collections.multihomed.rke2.plugins.filter.validate_model import validate_model
from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render
from ansible_collections.multihomed.rke2.plugins.module_utils.model import load_networks

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

SEG = {"A": "198.18.70", "B": "198.18.71"}
DEV = {"A": "ens224", "B": "ens256"}


def cni_config(networks, network):
    """One network's CNI config as the NAD's spec.config carries it (the renderer the NADs are built with)."""
    return k8s_render.network_cni_config(load_networks(networks), network)


def model(storage_attachment=None, services_attachment=None):
    nets = {
        "cluster": {"cidr": "198.18.69.0/24", "purpose": "cluster", "groups": ["nodes"], "interface": "ens192"},
        "storage": {"vlan": 50, "cidr": SEG["A"] + ".0/24", "purpose": "storage", "groups": ["nodes"],
                    "interface": DEV["A"], "addressing": "dhcp"},
        "services": {"vlan": 60, "cidr": SEG["B"] + ".0/24", "purpose": "services", "groups": ["nodes"],
                     "interface": DEV["B"], "addressing": "dhcp"},
    }
    if storage_attachment:
        nets["storage"]["attachment"] = storage_attachment
    if services_attachment:
        nets["services"]["attachment"] = services_attachment
    return nets


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    assert os.path.exists(os.path.join(CNI_PATH, "macvlan")), "containernetworking-plugins missing (make setup)"
    assert shutil.which("dnsmasq"), "dnsmasq missing (make setup)"
    tmp = tmp_path_factory.mktemp("cni")
    spaces, procs = [], []
    try:
        segs = {}
        for key in SEG:
            seg = Netns("mht-seg" + key)
            spaces.append(seg)
            seg("ip", "link", "add", "sw0", "type", "bridge")
            seg("ip", "link", "set", "sw0", "up")
            segs[key] = seg
        nodes = []
        for i in (1, 2):
            node = Netns("mht-node%d" % i)
            spaces.append(node)
            for key in SEG:
                veth(node, DEV[key], segs[key], "n%d%s" % (i, key))
                segs[key]("ip", "link", "set", "n%d%s" % (i, key), "master", "sw0")
            nodes.append(node)
        veth(nodes[0], "ens300", segs["A"], "spare")
        segs["A"]("ip", "link", "set", "spare", "master", "sw0")
        peers = {}
        for key, pfx in SEG.items():
            peer = Netns("mht-peer" + key)
            spaces.append(peer)
            veth(peer, "eth0", segs[key], "peer")
            segs[key]("ip", "link", "set", "peer", "master", "sw0")
            peer("ip", "addr", "add", pfx + ".254/24", "dev", "eth0")
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", peer.name, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                 "--port=0", "--interface=eth0", "--bind-interfaces", "--dhcp-option=3",
                 "--dhcp-range=%s.100,%s.150,255.255.255.0,1h" % (pfx, pfx),
                 "--dhcp-leasefile=%s" % tmp.joinpath("leases" + key), "--pid-file=%s" % tmp.joinpath("pid" + key)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            peers[key] = peer
        if os.path.exists("/run/cni/dhcp.sock"):
            os.unlink("/run/cni/dhcp.sock")
        procs.append(subprocess.Popen([os.path.join(CNI_PATH, "dhcp"), "daemon"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for dummy in range(50):
            if os.path.exists("/run/cni/dhcp.sock"):
                break
            time.sleep(0.1)
        yield {"segs": segs, "nodes": nodes, "peers": peers}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        for ns in spaces:
            ns.delete()


@pytest.fixture
def pods():
    made = []

    def make(name):
        ns = Netns("mht-pod-" + name)
        made.append(ns)
        return ns

    yield make
    for ns in made:
        ns.delete()


def in_range(addr, start, end):
    ip = ipaddress.ip_interface(addr).ip
    return ipaddress.ip_address(start) <= ip <= ipaddress.ip_address(end)


def host_local_leases(name):
    path = "/var/lib/cni/networks/" + name
    return sorted(f for f in os.listdir(path) if f[0].isdigit()) if os.path.isdir(path) else []


def test_macvlan_host_local_across_nodes(lab, pods):
    node1, node2 = lab["nodes"]
    conf1 = cni_config(model({"name": "mhtest-hl", "ipam": {"type": "host-local", "range_start": "198.18.70.10",
                                                            "range_end": "198.18.70.20"}}), "storage")
    conf2 = cni_config(model({"name": "mhtest-hl", "ipam": {"type": "host-local", "range_start": "198.18.70.30",
                                                            "range_end": "198.18.70.40"}}), "storage")
    assert conf1["type"] == "macvlan" and conf1["master"] == "ens224" and conf1["mode"] == "bridge"
    pod_a, pod_b = pods("a"), pods("b")
    res_a = cni("ADD", conf1, node1, pod_a)
    res_b = cni("ADD", conf2, node2, pod_b)
    addr_a, addr_b = pod_a.addresses("net1"), pod_b.addresses("net1")
    assert len(addr_a) == 1 and in_range(addr_a[0], "198.18.70.10", "198.18.70.20")
    assert len(addr_b) == 1 and in_range(addr_b[0], "198.18.70.30", "198.18.70.40")
    assert res_a["ips"][0]["address"] == addr_a[0]
    assert pod_a.ping("198.18.70.254"), "pod on node1 cannot reach the peer on its segment"
    assert pod_a.ping(addr_b[0].split("/")[0]), "pods on the same network on two nodes cannot reach each other"
    assert not pod_a.ping("198.18.71.254"), "a pod reached a network it is not attached to"
    cni("DEL", conf1, node1, pod_a)
    cni("DEL", conf2, node2, pod_b)
    assert pod_a.addresses("net1") is None and pod_b.addresses("net1") is None
    assert host_local_leases("mhtest-hl") == []


def test_macvlan_static(lab, pods):
    node1 = lab["nodes"][0]
    conf = cni_config(model({"name": "mhtest-static", "ipam": {"type": "static",
                                                               "addresses": [{"address": "198.18.70.50/24"}]}}),
                      "storage")
    assert conf["ipam"] == {"type": "static", "addresses": [{"address": "198.18.70.50/24"}]}
    pod = pods("static")
    cni("ADD", conf, node1, pod)
    assert pod.addresses("net1") == ["198.18.70.50/24"]
    assert pod.ping("198.18.70.254")
    cni("DEL", conf, node1, pod)
    assert pod.addresses("net1") is None


def test_macvlan_dhcp_reference_nads(lab, pods):
    """The RKE2 lab's two macvlan dhcp NADs (ens224 and ens256), rendered by nad_manifests and run live."""
    nets = model(
        {"name": "macvlan-longhorn-dhcp", "namespace": "multus-network-attachments", "type": "macvlan",
         "mode": "bridge", "ipam": {"type": "dhcp"}, "cni_version": "0.3.1"},
        {"name": "macvlan-private-dhcp", "namespace": "multus-network-attachments", "type": "macvlan",
         "mode": "bridge", "ipam": {"type": "dhcp"}, "cni_version": "0.3.1"})
    report = validate_model(nets, {}, {"nodes": []})
    confs = [json.loads(nad["spec"]["config"]) for nad in nad_manifests(report)]
    assert [c["master"] for c in confs] == ["ens224", "ens256"]
    node1, node2 = lab["nodes"]
    pod1, pod2 = pods("dhcp1"), pods("dhcp2")
    for pod, node in ((pod1, node1), (pod2, node2)):
        cni("ADD", confs[0], node, pod, ifname="net1")
        cni("ADD", confs[1], node, pod, ifname="net2")
    for pod in (pod1, pod2):
        assert in_range(pod.addresses("net1")[0], "198.18.70.100", "198.18.70.150")
        assert in_range(pod.addresses("net2")[0], "198.18.71.100", "198.18.71.150")
        assert pod.ping("198.18.70.254") and pod.ping("198.18.71.254")
        routes = json.loads(pod("ip", "-j", "route", "show", "default").stdout)
        assert routes == [], "the storage/services DHCP attachment installed a default route: %s" % routes
    assert pod1.ping(pod2.addresses("net1")[0].split("/")[0])
    assert pod1.ping(pod2.addresses("net2")[0].split("/")[0])
    for pod, node in ((pod1, node1), (pod2, node2)):
        cni("DEL", confs[1], node, pod, ifname="net2")
        cni("DEL", confs[0], node, pod, ifname="net1")
        assert pod.links() == ["lo"]


def test_bridge_host_local(lab, pods):
    node1 = lab["nodes"][0]
    conf = cni_config(model({"name": "mhtest-br", "type": "bridge", "bridge": "br-mht",
                             "ipam": {"type": "host-local", "range_start": "198.18.70.60",
                                      "range_end": "198.18.70.69"}}), "storage")
    assert conf["type"] == "bridge" and conf["bridge"] == "br-mht"
    pod_a, pod_b = pods("bra"), pods("brb")
    cni("ADD", conf, node1, pod_a, container_id="bra")
    cni("ADD", conf, node1, pod_b, container_id="brb")
    addr_b = pod_b.addresses("net1")[0]
    assert in_range(pod_a.addresses("net1")[0], "198.18.70.60", "198.18.70.69")
    assert pod_a.ping(addr_b.split("/")[0]), "pods on the same bridge cannot reach each other"
    node1("ip", "link", "set", "ens224", "master", "br-mht")
    try:
        assert pod_a.ping("198.18.70.254"), "pod cannot reach the segment through the bridged NIC"
    finally:
        node1("ip", "link", "set", "ens224", "nomaster")
    before = [l for l in node1.links() if l.startswith("veth")]
    cni("DEL", conf, node1, pod_a, container_id="bra")
    cni("DEL", conf, node1, pod_b, container_id="brb")
    assert pod_a.addresses("net1") is None and pod_b.addresses("net1") is None
    assert len([l for l in node1.links() if l.startswith("veth")]) == len(before) - 2
    assert host_local_leases("mhtest-br") == []
    node1("ip", "link", "del", "br-mht")


def test_host_device_static(lab, pods):
    node1 = lab["nodes"][0]
    conf = cni_config(model({"name": "mhtest-hd", "type": "host-device", "device": "ens300",
                             "ipam": {"type": "static", "addresses": ["198.18.70.80/24"]}}), "storage")
    assert conf["device"] == "ens300"
    pod = pods("hd")
    cni("ADD", conf, node1, pod)
    assert "ens300" not in node1.links()
    assert pod.addresses("net1") == ["198.18.70.80/24"]
    assert pod.ping("198.18.70.254")
    cni("DEL", conf, node1, pod)
    assert pod.links() == ["lo"]
    assert "ens300" in node1.links(), "host-device DEL did not give the device back to the node"


def test_multus_2018_macvlan_conf_live(lab, pods):
    """The Multus macvlan-conf example's shape (host-local .1-.100, route 0.0.0.0/0), on a 198.18 segment."""
    nets = model({"name": "macvlan-conf", "cni_version": "0.3.0",
                  "ipam": {"type": "host-local", "subnet": "198.18.70.0/24", "range_start": "198.18.70.1",
                           "range_end": "198.18.70.100", "routes": [{"dst": "0.0.0.0/0"}]}})
    nets["storage"]["purpose"] = "other"  # a default route on a storage network is refused by the model
    conf = cni_config(nets, "storage")
    assert conf["ipam"]["routes"] == [{"dst": "0.0.0.0/0"}]
    pod = pods("m2018")
    res = cni("ADD", conf, lab["nodes"][1], pod)
    assert res["cniVersion"] == "0.3.0"
    assert in_range(pod.addresses("net1")[0], "198.18.70.1", "198.18.70.100")
    default = json.loads(pod("ip", "-j", "route", "show", "default").stdout)
    assert default and default[0]["dev"] == "net1"
    assert pod.ping("198.18.70.254")
    cni("DEL", conf, lab["nodes"][1], pod)
    assert host_local_leases("macvlan-conf") == []


@pytest.mark.parametrize("version", ["0.3.1", "0.4.0", "1.0.0"])
def test_cni_versions(lab, pods, version):
    conf = cni_config(model({"name": "mhtest-v", "cni_version": version,
                             "ipam": {"type": "static", "addresses": ["198.18.70.90/24"]}}), "storage")
    pod = pods("v" + version.replace(".", ""))
    res = cni("ADD", conf, lab["nodes"][0], pod)
    assert res["cniVersion"] == version
    assert pod.addresses("net1") == ["198.18.70.90/24"]
    cni("DEL", conf, lab["nodes"][0], pod)
    assert pod.links() == ["lo"]


def test_planned_pool_never_hands_out_a_node_address(lab, pods):
    """Correctness issue, live for host-local: the model refuses pools that hold a node's address, so a pool planned
    around the nodes (.21 and .22 here) can be drained and no pod ever gets a node's or the gateway's address. The
    NAD also carries what the model now adds: capabilities and a route metric rendered as `priority`, which these
    plugins (v1.1.1, older than v1.6.0) accept and ignore."""
    from ansible_collections.multihomed.rke2.plugins.filter.validate_model import validate_model

    nets = model({"name": "mhtest-pool", "ipam": {"type": "host-local", "range_start": "198.18.70.23",
                                                  "range_end": "198.18.70.26", "gateway": "198.18.70.254",
                                                  "routes": [{"dst": "198.19.0.0/16", "gw": "198.18.70.254",
                                                              "metric": 5}]}})
    nets["storage"].update(addressing="static", gateway="198.18.70.1")
    hostvars = {f"node{i}": {"group_names": ["nodes"], "multihomed_addresses": {
        "cluster": f"198.18.69.2{i}", "storage": f"198.18.70.2{i}", "services": "dhcp"}} for i in (1, 2)}
    nets["services"]["addressing"] = "mixed"
    report = validate_model(nets, hostvars, {"nodes": ["node1", "node2"]})
    conf = json.loads(report["nads"][0]["spec"]["config"])
    assert conf["capabilities"] == {"ips": True, "mac": True}
    assert conf["ipam"]["routes"] == [{"dst": "198.19.0.0/16", "gw": "198.18.70.254", "priority": 5}]
    node1 = lab["nodes"][0]
    given, attached = [], []
    for i in range(4):
        pod = pods(f"pool{i}")
        cni("ADD", conf, node1, pod)
        attached.append(pod)
        given += [a.split("/")[0] for a in pod.addresses("net1")]
        assert "198.19.0.0/16 via 198.18.70.254" in pod("ip", "route").stdout
    assert sorted(given) == ["198.18.70.23", "198.18.70.24", "198.18.70.25", "198.18.70.26"]
    assert not set(given) & {"198.18.70.21", "198.18.70.22", "198.18.70.1", "198.18.70.254"}
    with pytest.raises(AssertionError, match="no IP addresses available"):
        cni("ADD", conf, node1, pods("pool-full"))
    for pod in attached:
        cni("DEL", conf, node1, pod)
    assert host_local_leases("mhtest-pool") == []


def addresses6(pod, ifname):
    """Global IPv6 addresses of a pod's interface (None when it does not exist)."""
    res = pod("ip", "-j", "-6", "addr", "show", "dev", ifname, "scope", "global", check=False)
    if res.returncode != 0:
        return None
    info = json.loads(res.stdout)
    return [a["local"] + "/" + str(a["prefixlen"]) for i in info for a in i.get("addr_info", []) if a.get("local")]


def dual_stack_model(ipam):
    """The services network (segment B) dual-stack: 198.18.71.0/24 plus the documentation prefix 2001:db8:71::/64."""
    nets = model(services_attachment={"name": "mhtest-ds", "ipam": ipam})
    nets["services"].update({"cidr6": "2001:db8:71::/64", "addressing6": "slaac"})
    return nets


def test_macvlan_host_local_dual_stack(lab, pods):
    """Issue 14: host-local with one range set per family gives net1 an IPv4 and an IPv6 address in the ranges;
    DEL takes both away and frees both leases."""
    conf = cni_config(dual_stack_model({"type": "host-local", "range_start": "198.18.71.10", "range_end": "198.18.71.20",
                                        "range_start6": "2001:db8:71::10", "range_end6": "2001:db8:71::20"}),
                      "services")
    assert [r[0]["subnet"] for r in conf["ipam"]["ranges"]] == ["198.18.71.0/24", "2001:db8:71::/64"]
    node1 = lab["nodes"][0]
    shutil.rmtree("/var/lib/cni/networks/mhtest-ds", ignore_errors=True)  # leases of an interrupted earlier run
    pod = pods("ds")
    res = cni("ADD", conf, node1, pod)
    assert [ipaddress.ip_interface(ip["address"]).version for ip in res["ips"]] == [4, 6]
    assert in_range(pod.addresses("net1")[0], "198.18.71.10", "198.18.71.20")
    v6 = addresses6(pod, "net1")
    assert len(v6) == 1 and in_range(v6[0], "2001:db8:71::10", "2001:db8:71::20") and v6[0].endswith("/64")
    assert len(host_local_leases("mhtest-ds")) == 2
    cni("DEL", conf, node1, pod)
    assert pod.addresses("net1") is None and addresses6(pod, "net1") is None
    assert host_local_leases("mhtest-ds") == []


def test_macvlan_static_ipv6_only(lab, pods):
    """An IPv6-only network (cidr is IPv6): a static v6 address and a v6 route reach the pod as rendered."""
    nets = model()
    nets["services"] = {"cidr": "2001:db8:72::/64", "purpose": "services", "groups": ["nodes"], "interface": DEV["B"],
                        "addressing": "slaac",
                        "attachment": {"name": "mhtest-v6", "ipam": {
                            "type": "static", "addresses": ["2001:db8:72::50/64"],
                            "routes": [{"dst": "2001:db8:99::/64", "gw": "2001:db8:72::1"}]}}}
    conf = cni_config(nets, "services")
    node2 = lab["nodes"][1]
    pod = pods("v6")
    cni("ADD", conf, node2, pod)
    assert addresses6(pod, "net1") == ["2001:db8:72::50/64"]
    routes = json.loads(pod("ip", "-j", "-6", "route", "show", "2001:db8:99::/64").stdout)
    assert routes and routes[0]["gateway"] == "2001:db8:72::1"
    assert pod.addresses("net1") == []
    cni("DEL", conf, node2, pod)
    assert addresses6(pod, "net1") is None
