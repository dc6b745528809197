# -*- coding: utf-8 -*-
# Table-driven tests of the pod network proof (playbooks/validate.yml): attachments, expected interfaces, checks.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import pod_check as pc

# Real `ip -j addr show` output (iproute2 6.1.0), captured as root on a Debian 12 host with two network namespaces
# created for it: "pod" holds eth0, net1, net2 and net3, each one end of a veth pair whose other end is in "host";
# IPv6 disabled in both (sysctl net.ipv6.conf.{all,default}.disable_ipv6=1), addresses only from 198.18.0.0/15,
# no routes but the connected ones; both namespaces deleted afterwards:
#   ip netns add pod; ip netns add host
#   ip link add v1 type veth peer name h1; ip link set v1 netns pod; ip link set h1 netns host
#   ip -n pod link set v1 name net1; ip -n pod link set net1 up; ip -n pod addr add 198.18.0.2/24 dev net1
#   (the same for eth0 198.18.100.2/24, net2 198.18.1.2/24 and net3 without an address; lo up)
#   ip -n pod addr add 198.18.0.3/24 dev net1      # a secondary address
#   ip netns exec pod ip -j addr show
IP_J_CAPTURED = (
    '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":'
    '"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":'
    '"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":'
    '"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":10,"link_index":9,"ifname":'
    '"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP",'
    '"group":"default","txqlen":1000,"link_type":"ether","address":"d6:fe:b9:1c:8a:7d","broadcast":'
    '"ff:ff:ff:ff:ff:ff","link_netnsid":1,"addr_info":[{"family":"inet","local":"198.18.100.2","prefixlen":24,'
    '"scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":12,'
    '"link_index":11,"ifname":"net1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":'
    '"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"a2:92:f3:47:6f:bd",'
    '"broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":1,"addr_info":[{"family":"inet","local":"198.18.0.2",'
    '"prefixlen":24,"scope":"global","label":"net1","valid_life_time":4294967295,"preferred_life_time":4294967295},'
    '{"family":"inet","local":"198.18.0.3","prefixlen":24,"scope":"global","secondary":true,"label":"net1",'
    '"valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":14,"link_index":13,"ifname":'
    '"net2","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP",'
    '"group":"default","txqlen":1000,"link_type":"ether","address":"ae:7c:be:47:d9:11","broadcast":'
    '"ff:ff:ff:ff:ff:ff","link_netnsid":1,"addr_info":[{"family":"inet","local":"198.18.1.2","prefixlen":24,'
    '"scope":"global","label":"net2","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":16,'
    '"link_index":15,"ifname":"net3","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":'
    '"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"9e:8e:ad:11:d9:2a",'
    '"broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":1,"addr_info":[]}]'
)

# Hand-written, in the format of iproute2 with IPv6 (documentation prefix 2001:db8::/32): a dual-stack net1 with
# its link-local address, which the report leaves out.
IP_J_V6 = [
    {"ifindex": 1, "ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]},
    {"ifindex": 3, "ifname": "net1", "addr_info": [
        {"family": "inet6", "local": "2001:db8:50::12", "prefixlen": 64, "scope": "global"},
        {"family": "inet6", "local": "fe80::a092:f3ff:fe47:6fbd", "prefixlen": 64, "scope": "link"}]},
]

NS = "multus-network-attachments"


def att(network, cidr, name=None, namespace=NS):
    return {"network": network, "cidr": cidr, "namespace": namespace, "name": name or "macvlan-" + network}


ATTACHMENTS = [att("storage", "198.18.0.0/24"), att("services", "198.18.1.0/24"), att("backup", "198.18.2.0/24")]


def exp(network, interface, cidr, name=None, namespace=NS):
    name = name or "macvlan-" + network
    return {"network": network, "cidr": cidr, "namespace": namespace, "name": name, "interface": interface,
            "selection": {"name": name, "namespace": namespace, "interface": interface}}


EXPECTED = [exp("storage", "net1", "198.18.0.0/24"), exp("services", "net2", "198.18.1.0/24"),
            exp("backup", "net3", "198.18.2.0/24")]


def status_entry(interface, ips, name=None, default=False):
    """One entry of the network-status annotation as Multus writes it."""
    entry = {"name": name, "interface": interface, "ips": ips, "mac": "a2:92:f3:47:6f:bd", "dns": {}}
    if default:
        entry["default"] = True
    return entry


STATUS = [
    status_entry("eth0", ["198.18.100.2"], name="k8s-pod-network", default=True),
    status_entry("net1", ["198.18.0.2"], name=NS + "/macvlan-storage"),
    status_entry("net2", ["198.18.1.2"], name=NS + "/macvlan-services"),
]


# --- attachments_from_report ------------------------------------------------------------------------------------

def report_att(namespace, name, cidr):
    return {"namespace": namespace, "name": name, "type": "macvlan", "cidr": cidr}


@pytest.mark.parametrize("case, report, expected", [
    ("model order",
     {"attachments": {"storage": report_att(NS, "macvlan-longhorn-dhcp", "198.18.50.0/24"),
                      "services": report_att("default", "services", "198.18.60.0/24")}},
     [att("storage", "198.18.50.0/24", "macvlan-longhorn-dhcp"),
      att("services", "198.18.60.0/24", "services", "default")]),
    ("an IPv6 network", {"attachments": {"v6": report_att("default", "v6", "2001:DB8:50::/64")}},
     [att("v6", "2001:db8:50::/64", "v6", "default")]),
    ("no attachment at all", {"attachments": {}}, "no network in multihomed_networks has an attachment"),
    ("not a report", {"cluster": {}}, "expected the validated model (multihomed_report"),
    ("bad cidr", {"attachments": {"x": report_att("default", "x", "198.18.0.0")}},
     "network 'x': cidr '198.18.0.0' is not a CIDR"),
    ("no namespace", {"attachments": {"x": report_att("", "x", "198.18.0.0/24")}},
     "network 'x': namespace missing or empty"),
])
def test_attachments_from_report(case, report, expected):
    if isinstance(expected, str):
        with pytest.raises(pc.PodCheckError, match=re.escape(expected)):
            pc.attachments_from_report(report)
    else:
        assert pc.attachments_from_report(report) == expected


# --- expected_interfaces ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, attachments, selection, expected", [
    ("empty selection: all, in model order", ATTACHMENTS, [], EXPECTED),
    ("None selects all too", ATTACHMENTS, None, EXPECTED),
    ("selection order names the interfaces", ATTACHMENTS, ["services", "storage"],
     [exp("services", "net1", "198.18.1.0/24"), exp("storage", "net2", "198.18.0.0/24")]),
    ("one name as a string", ATTACHMENTS, "backup", [exp("backup", "net1", "198.18.2.0/24")]),
    ("cidr normalized", [att("v6", "2001:DB8::/32")], [], [exp("v6", "net1", "2001:db8::/32")]),
    ("unknown networks are each named", ATTACHMENTS, ["storage", "cluster", "nope"],
     "network 'cluster': not a network with an attachment (those are: storage, services, backup); "
     "network 'nope': not a network with an attachment"),
    ("twice", ATTACHMENTS, ["storage", "storage"], "network 'storage': selected 2 times"),
    ("selection of the wrong type", ATTACHMENTS, [1], "selection: expected a list of network names"),
    ("no attachments", [], [], "attachments: expected a non-empty list"),
    ("attachment without cidr", [{"network": "x", "namespace": NS, "name": "x"}], [],
     "network 'x': cidr missing or empty"),
    ("same network twice in the attachments", [ATTACHMENTS[0], ATTACHMENTS[0]], [], "network 'storage': listed twice"),
    ("not a mapping", ["storage"], [], "attachments[0]: expected a mapping, got str"),
])
def test_expected_interfaces(case, attachments, selection, expected):
    if isinstance(expected, str):
        with pytest.raises(pc.PodCheckError, match=re.escape(expected)):
            pc.expected_interfaces(attachments, selection)
    else:
        assert pc.expected_interfaces(attachments, selection) == expected


# --- check_pod -------------------------------------------------------------------------------------------------

def result(interface, network, cidr, status_ips, pod_ips, ok, message):
    return {"interface": interface, "network": network, "expected_cidr": cidr, "status_ips": status_ips,
            "pod_ips": pod_ips, "ok": ok, "message": message}


OK_NET1 = result("net1", "storage", "198.18.0.0/24", ["198.18.0.2"], ["198.18.0.2", "198.18.0.3"], True,
                 f"net1 (network 'storage', {NS}/macvlan-storage): 198.18.0.2, 198.18.0.3 in 198.18.0.0/24")
OK_NET2 = result("net2", "services", "198.18.1.0/24", ["198.18.1.2"], ["198.18.1.2"], True,
                 f"net2 (network 'services', {NS}/macvlan-services): 198.18.1.2 in 198.18.1.0/24")


def with_status(**changes):
    """STATUS with entries replaced (interface=entry) or removed (interface=None)."""
    out = [copy.deepcopy(e) for e in STATUS if e["interface"] not in changes]
    return out + [e for e in changes.values() if e is not None]


@pytest.mark.parametrize("case, expected, status, ip_j, results", [
    ("captured ip -j: net1 and net2 fine (status as JSON text)", EXPECTED[:2], json.dumps(STATUS), IP_J_CAPTURED,
     [OK_NET1, OK_NET2]),
    ("parsed inputs work the same", EXPECTED[:2], STATUS, json.loads(IP_J_CAPTURED), [OK_NET1, OK_NET2]),
    ("net3 is up without an address and not in network-status", EXPECTED, STATUS, IP_J_CAPTURED,
     [OK_NET1, OK_NET2, result(
         "net3", "backup", "198.18.2.0/24", [], [], False,
         f"net3 (network 'backup', {NS}/macvlan-backup): not in network-status (interfaces there: eth0, net1, "
         "net2); the pod's net3 has no address in 198.18.2.0/24 (has: none)")]),
    ("wrong CIDR: net2 holds the storage range", [exp("services", "net2", "198.18.0.0/24")], STATUS, IP_J_CAPTURED,
     [result("net2", "services", "198.18.0.0/24", ["198.18.1.2"], ["198.18.1.2"], False,
             f"net2 (network 'services', {NS}/macvlan-services): network-status has no address in 198.18.0.0/24 "
             "(has: 198.18.1.2); the pod's net2 has no address in 198.18.0.0/24 (has: 198.18.1.2)")]),
    ("network-status names another NAD", EXPECTED[:1],
     with_status(net1=status_entry("net1", ["198.18.0.2"], name=NS + "/macvlan-services")), IP_J_CAPTURED,
     [dict(OK_NET1, ok=False, message=f"net1 (network 'storage', {NS}/macvlan-storage): network-status attaches "
                                      f"'{NS}/macvlan-services' here, expected {NS}/macvlan-storage")]),
    ("network-status reports an address the pod does not carry", EXPECTED[:1],
     with_status(net1=status_entry("net1", ["198.18.0.9"], name=NS + "/macvlan-storage")), IP_J_CAPTURED,
     [dict(OK_NET1, status_ips=["198.18.0.9"], ok=False,
           message=f"net1 (network 'storage', {NS}/macvlan-storage): network-status reports 198.18.0.9, which the "
                   "pod's net1 does not carry")]),
    ("interface missing in the pod", [exp("storage", "net4", "198.18.0.0/24")],
     with_status(net4=status_entry("net4", ["198.18.0.2"], name=NS + "/macvlan-storage")), IP_J_CAPTURED,
     [result("net4", "storage", "198.18.0.0/24", ["198.18.0.2"], [], False,
             f"net4 (network 'storage', {NS}/macvlan-storage): the pod has no interface net4 (it has: eth0, lo, "
             "net1, net2, net3)")]),
    ("no network-status annotation", EXPECTED[:1], None, IP_J_CAPTURED,
     [dict(OK_NET1, status_ips=[], ok=False,
           message=f"net1 (network 'storage', {NS}/macvlan-storage): the pod has no network-status annotation (is "
                   "Multus running and the NAD found?)")]),
    ("interface twice in network-status", EXPECTED[:1],
     STATUS + [status_entry("net1", ["198.18.0.3"], name=NS + "/macvlan-storage")], IP_J_CAPTURED,
     [dict(OK_NET1, status_ips=[], ok=False,
           message=f"net1 (network 'storage', {NS}/macvlan-storage): appears 2 times in network-status")]),
    ("invalid address in network-status", EXPECTED[:1],
     with_status(net1=status_entry("net1", ["198.18.0.2", "bogus"], name=NS + "/macvlan-storage")), IP_J_CAPTURED,
     [dict(OK_NET1, status_ips=["198.18.0.2", "bogus"], ok=False,
           message=f"net1 (network 'storage', {NS}/macvlan-storage): network-status has invalid address(es) "
                   "bogus")]),
    ("IPv6: link-local left out, bare NAD name accepted", [exp("v6", "net1", "2001:db8:50::/64", "v6")],
     [status_entry("net1", ["2001:db8:50::12"], name="v6")], IP_J_V6,
     [result("net1", "v6", "2001:db8:50::/64", ["2001:db8:50::12"], ["2001:db8:50::12"], True,
             f"net1 (network 'v6', {NS}/v6): 2001:db8:50::12 in 2001:db8:50::/64")]),
    ("IPv6 network, only an IPv4 address", [exp("storage", "net1", "2001:db8:50::/64")], STATUS, IP_J_CAPTURED,
     [result("net1", "storage", "2001:db8:50::/64", ["198.18.0.2"], ["198.18.0.2", "198.18.0.3"], False,
             f"net1 (network 'storage', {NS}/macvlan-storage): network-status has no address in 2001:db8:50::/64 "
             "(has: 198.18.0.2); the pod's net1 has no address in 2001:db8:50::/64 (has: 198.18.0.2, 198.18.0.3)")]),
    ("old iproute2 empty objects are skipped", EXPECTED[:1], STATUS, [{}] + json.loads(IP_J_CAPTURED), [OK_NET1]),
    ("network-status not JSON", EXPECTED[:1], "[{", IP_J_CAPTURED, "k8s.v1.cni.cncf.io/network-status is not JSON"),
    ("network-status not a list", EXPECTED[:1], "42", IP_J_CAPTURED,
     "k8s.v1.cni.cncf.io/network-status: expected a list of mappings"),
    ("ip output is text (no -j)", EXPECTED[:1], STATUS, "1: lo    inet 127.0.0.1/8 scope host lo",
     "ip -j addr show output is not JSON"),
    ("ip output not a list", EXPECTED[:1], STATUS, "{}", "ip -j addr show output: expected a JSON list of links"),
    ("expected without interface", ATTACHMENTS[:1], STATUS, IP_J_CAPTURED, "network 'storage': interface missing"),
])
def test_check_pod(case, expected, status, ip_j, results):
    if isinstance(results, str):
        with pytest.raises(pc.PodCheckError, match=re.escape(results)):
            pc.check_pod(expected, status, ip_j)
    else:
        assert pc.check_pod(expected, status, ip_j) == results


# --- table -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, results, lines", [
    ("aligned columns, '-' for none", [OK_NET1, result("net3", "backup", "198.18.2.0/24", [], [], False, "")], [
        "interface  network  CIDR           pod addresses           network-status  ok",
        "net1       storage  198.18.0.0/24  198.18.0.2, 198.18.0.3  198.18.0.2      yes",
        "net3       backup   198.18.2.0/24  -                       -               NO",
    ]),
    ("not results", "net1", "expected the list returned by pod_network_check"),
])
def test_table(case, results, lines):
    if isinstance(lines, str):
        with pytest.raises(pc.PodCheckError, match=re.escape(lines)):
            pc.table(results)
    else:
        assert pc.table(results) == lines
