# -*- coding: utf-8 -*-
# Table-driven tests of the network model: (input, expected output) and (input, expected error text).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, k8s_render, plan, report, selection
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError, Problems
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host, cluster_network, load_networks


# The old one-module API, expressed with the split modules (model, plan, report, k8s_render, selection).
def validate(networks, host_list):
    return report.build(networks, host_list)


def host_networks(networks, host):
    problems = Problems()
    result = plan.host_plan(load_networks(networks), host, problems)
    problems.raise_if_any()
    return result


def node_ip(networks, host, facts=None):
    model = load_networks(networks)
    cluster = cluster_network(model)
    return plan.node_ip_from_facts(cluster.name, cluster.groups, host.name, host_networks(networks, host), facts)


def canal_values(networks, host_list, **kwargs):
    return cni_charts.canal_values(report.build(networks, host_list)["cluster"], **kwargs)


def nad_manifests(networks):
    return k8s_render.nad_manifests(load_networks(networks))


def cni_config(networks, name):
    return k8s_render.network_cni_config(load_networks(networks), name)


def multus_values(networks):
    return k8s_render.multus_values(k8s_render.multus_requirements(load_networks(networks)))


def base():
    """The reference lab, as an inventory would give it."""
    return {
        "cluster": {"vlan": 40, "cidr": "172.16.40.0/24", "gateway": "172.16.40.1", "purpose": "cluster",
                    "groups": ["rke2_servers", "rke2_agents"], "interface": "ens192"},
        "storage": {"vlan": 50, "cidr": "172.16.50.0/24", "purpose": "storage", "groups": ["rke2_agents"],
                    "interface": "ens224", "addressing": "dhcp",
                    "attachment": {"name": "macvlan-longhorn-dhcp", "namespace": "multus-network-attachments",
                                   "type": "macvlan", "mode": "bridge", "ipam": {"type": "dhcp"}}},
        "services": {"vlan": 60, "cidr": "172.16.60.0/24", "purpose": "services", "groups": ["rke2_agents"],
                     "interface": "ens256", "addressing": "dhcp",
                     "attachment": {"name": "macvlan-private-dhcp", "namespace": "multus-network-attachments",
                                    "ipam": {"type": "dhcp"}}},
    }


def hosts():
    return [
        Host("cpl-1", ["rke2_servers"], {"cluster": "172.16.40.46"}),
        Host("cpl-2", ["rke2_servers"], {"cluster": "172.16.40.49"}),
        Host("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}),
        Host("wrk-2", ["rke2_agents"], {"cluster": "172.16.40.48"}),
    ]


def patched(path, value):
    """base() with one value set (path as a tuple of keys); value None deletes the key."""
    nets = base()
    cur = nets
    for key in path[:-1]:
        cur = cur.setdefault(key, {})
    if value is None:
        cur.pop(path[-1], None)
    else:
        cur[path[-1]] = value
    return nets


def test_reference_lab_is_valid():
    report = validate(base(), hosts())
    assert report["cluster_network"] == "cluster"
    assert report["multus"] == {"dhcp_daemon": True, "whereabouts": False}
    assert [e["network"] for e in report["plans"]["wrk-1"]] == ["cluster", "storage", "services"]
    assert [e["network"] for e in report["plans"]["cpl-1"]] == ["cluster"]
    assert any("DHCP daemon" in w for w in report["warnings"])


NETWORK_ERRORS = [
    ("bad cidr", ("cluster", "cidr"), "172.16.40.0/33", "network 'cluster': cidr '172.16.40.0/33' is not a CIDR"),
    ("cidr without prefix", ("cluster", "cidr"), "172.16.40.0", "network 'cluster': cidr '172.16.40.0' is not a CIDR"),
    ("host bits", ("cluster", "cidr"), "172.16.40.5/24", "has host bits set; did you mean 172.16.40.0/24"),
    ("vlan 0", ("storage", "vlan"), 0, "network 'storage': vlan must be an integer from 1 to 4094, got 0"),
    ("vlan 4095", ("storage", "vlan"), 4095, "network 'storage': vlan must be an integer from 1 to 4094, got 4095"),
    ("vlan string", ("storage", "vlan"), "50", "vlan must be an integer from 1 to 4094, got '50'"),
    ("overlap", ("storage", "cidr"), "172.16.40.128/25", "network 'cluster': cidr 172.16.40.0/24 overlaps network 'storage'"),
    ("two cluster networks", ("storage", "purpose"), "cluster", "exactly one network must have purpose 'cluster'"),
    ("unknown purpose", ("storage", "purpose"), "backup", "network 'storage': purpose 'backup' is not one of"),
    ("gateway outside", ("cluster", "gateway"), "172.16.41.1", "network 'cluster': gateway 172.16.41.1 is outside cidr 172.16.40.0/24"),
    ("gateway network address", ("cluster", "gateway"), "172.16.40.0", "gateway 172.16.40.0 is the network address of 172.16.40.0/24"),
    ("gateway broadcast", ("cluster", "gateway"), "172.16.40.255", "gateway 172.16.40.255 is the broadcast address"),
    ("gateway not an ip", ("cluster", "gateway"), "router", "network 'cluster': gateway 'router' is not an IP address"),
    ("mtu", ("cluster", "mtu"), 100000, "network 'cluster': mtu must be an integer from 576 to 9216"),
    ("no groups", ("cluster", "groups"), [], "network 'cluster': groups must be a non-empty list"),
    ("no interface", ("cluster", "interface"), None, "network 'cluster': interface is required"),
    ("bad interface", ("cluster", "interface"), "eth0/1", "interface 'eth0/1' is not a valid Linux interface name"),
    ("long interface", ("cluster", "interface"), "averyverylongifname", "is not a valid Linux interface name"),
    ("unknown field", ("cluster", "vlan_id"), 40, "network 'cluster': unknown field(s) vlan_id"),
    # issue 25: a misspelt key or value gets a "did you mean"
    ("misspelt field", ("storage", "addresing"), "dhcp",
     "network 'storage': unknown field(s) addresing (did you mean 'addressing'?)"),
    ("misspelt value", ("storage", "addressing"), "dhcpd",
     "network 'storage': addressing 'dhcpd' is not one of static, dhcp, mixed; did you mean 'dhcp'?"),
    ("misspelt attachment field", ("storage", "attachment", "nmae"), "x",
     "network 'storage': attachment has unknown field(s) nmae (did you mean 'name'?)"),
    # issue 25: interface names that the kernel refuses or that would be globs/regexes where the collection writes them
    ("interface dot", ("cluster", "interface"), ".", "interface '.' is not a valid Linux interface name"),
    ("interface dotdot", ("cluster", "interface"), "..", "interface '..' is not a valid Linux interface name"),
    ("interface glob", ("cluster", "interface"), "ens*", "interface 'ens*' is not a valid Linux interface name"),
    ("interface newline", ("cluster", "interface"), "ens192\n", "interface 'ens192\\n' is not a valid Linux interface"),
    ("parent without vlan", ("storage",), {"cidr": "172.16.50.0/24", "groups": ["rke2_agents"], "parent": "ens160"},
     "network 'storage': parent needs 'vlan'"),
    ("addressing", ("storage", "addressing"), "auto", "addressing 'auto' is not one of static, dhcp, mixed"),
    ("default route without gateway", ("storage", "default_route"), True, None),
    ("unknown attachment type", ("storage", "attachment", "type"), "sriov", "network 'storage': attachment.type 'sriov' is not one of"),
    ("unknown macvlan mode", ("storage", "attachment", "mode"), "l2", "attachment.mode 'l2' is not a macvlan mode"),
    ("unknown ipam", ("storage", "attachment", "ipam"), {"type": "calico-ipam"}, "attachment.ipam.type 'calico-ipam' is not one of"),
    ("host-device without device", ("storage", "attachment", "type"), "host-device", "attachment.mode is not used by type host-device"),
    ("nad name upper", ("storage", "attachment", "name"), "Macvlan", "attachment.name 'Macvlan' is not a DNS-1123 label"),
    ("nad name long", ("storage", "attachment", "name"), "a" * 64, "is not a DNS-1123 label"),
    ("nad name underscore", ("storage", "attachment", "name"), "mac_vlan", "'mac_vlan' is not a DNS-1123 label"),
    ("duplicate nad", ("services", "attachment", "name"), "macvlan-longhorn-dhcp",
     "network 'services': attachment.name multus-network-attachments/macvlan-longhorn-dhcp is also the attachment of network 'storage'"),
    ("cni version", ("storage", "attachment", "cni_version"), "0.2.0", "attachment.cni_version '0.2.0' is not supported"),
    ("range end outside", ("storage", "attachment", "ipam"),
     {"type": "host-local", "range_start": "172.16.50.10", "range_end": "172.16.51.10"},
     "network 'storage': attachment.ipam.range_end 172.16.51.10 is outside cidr 172.16.50.0/24"),
    ("range start after end", ("storage", "attachment", "ipam"),
     {"type": "host-local", "range_start": "172.16.50.100", "range_end": "172.16.50.10"},
     "attachment.ipam.range_start 172.16.50.100 is after range_end 172.16.50.10"),
    ("range on broadcast", ("storage", "attachment", "ipam"),
     {"type": "whereabouts", "range_start": "172.16.50.10", "range_end": "172.16.50.255"},
     "attachment.ipam.range_end 172.16.50.255 is the broadcast address of 172.16.50.0/24"),
    ("subnet outside", ("storage", "attachment", "ipam"), {"type": "host-local", "subnet": "10.0.0.0/24"},
     "attachment.ipam.subnet 10.0.0.0/24 is outside cidr 172.16.50.0/24"),
    ("storage default route", ("storage", "attachment", "ipam"),
     {"type": "host-local", "routes": [{"dst": "0.0.0.0/0", "gw": "172.16.50.1"}]},
     "attachment.ipam.routes carries a default route (0.0.0.0/0) on a storage network"),
    ("static without addresses", ("storage", "attachment", "ipam"), {"type": "static"},
     "attachment.ipam.addresses must be a non-empty list"),
    ("static address outside", ("storage", "attachment", "ipam"), {"type": "static", "addresses": [{"address": "10.1.1.1/24"}]},
     "attachment.ipam.addresses[0].address 10.1.1.1 is outside cidr 172.16.50.0/24"),
    ("unknown ipam field", ("storage", "attachment", "ipam"), {"type": "dhcp", "subnet": "172.16.50.0/24"},
     "attachment.ipam has unknown field(s) subnet for type dhcp"),
    ("route via outside", ("storage", "routes"), [{"to": "10.0.0.0/8", "via": "172.16.40.1"}],
     "network 'storage': routes[0].via 172.16.40.1 is outside cidr 172.16.50.0/24"),
    ("default in routes", ("cluster", "routes"), [{"to": "default", "via": "172.16.40.1"}],
     "network 'cluster': routes holds a default route"),
]


@pytest.mark.parametrize("case, path, value, expected", NETWORK_ERRORS, ids=[c[0] for c in NETWORK_ERRORS])
def test_network_errors(case, path, value, expected):
    nets = patched(path, value)
    if case == "default route without gateway":
        nets["storage"]["addressing"] = "static"
        nets["storage"]["default_route"] = True
        expected = "network 'storage': default_route is true but the network has no gateway"
    if case == "host-device without device":
        del nets["storage"]["attachment"]["mode"]
        expected = "network 'storage': attachment.device is required for type host-device"
    with pytest.raises(ModelError) as err:
        validate(nets, hosts())
    assert expected in str(err.value), str(err.value)


def test_network_and_host_problems_are_reported_in_one_run():
    """issue 25: a network problem no longer hides the host problems (docs/model.md: all at once), each once."""
    nets = base()
    nets["storage"]["addressing"] = "dhcpd"
    bad_host = [Host("cpl-1", ["rke2_servers"], {"cluster": "172.16.41.9"})] + hosts()[1:]
    with pytest.raises(ModelError) as err:
        validate(nets, bad_host)
    text = str(err.value)
    assert "network 'storage': addressing 'dhcpd' is not one of" in text
    assert "network 'cluster', host 'cpl-1': multihomed_addresses 172.16.41.9 is outside cidr 172.16.40.0/24" in text
    assert text.count("172.16.41.9 is outside") == 1 and text.count("'dhcpd'") == 1


def test_a_group_no_host_is_in_is_named_with_a_suggestion():
    """issue 25: was "groups no inventory host is in any of rke2_agent"."""
    nets = base()
    nets["storage"]["groups"] = ["rke2_agent"]
    with pytest.raises(ModelError) as err:
        validate(nets, hosts())
    assert "network 'storage': groups rke2_agent: no inventory host is in this group; did you mean 'rke2_agents'?" \
        in str(err.value), str(err.value)


@pytest.mark.parametrize("name", ["x/../../../../tmp/pwn", "a\n[connection]", "", "-lead", "a b", "a" * 64])
def test_network_names_that_would_escape_a_file_or_inject_lines_are_refused(name):
    """issue 25: a network name names NetworkManager keyfiles and networkd files on the hosts: a path or a newline
    would write outside the directory or add keyfile lines."""
    nets = base()
    nets[name] = nets.pop("services")
    with pytest.raises(ModelError) as err:
        validate(nets, hosts())
    assert f"network {name!r}: the name must be 1-63 letters, digits, '-' or '_'" in str(err.value)


def H(name, groups, addresses=None, interfaces=None):
    return Host(name, groups, addresses or {}, interfaces or {})


HOST_ERRORS = [
    ("address outside cidr", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.41.5"})],
     "network 'cluster', host 'wrk-1': multihomed_addresses 172.16.41.5 is outside cidr 172.16.40.0/24"),
    ("address not an ip", [H("wrk-1", ["rke2_agents"], {"cluster": "wrk1.lan"})],
     "network 'cluster', host 'wrk-1': multihomed_addresses 'wrk1.lan' is not an IP address"),
    ("address is network", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.0"})],
     "multihomed_addresses 172.16.40.0 is the network address"),
    ("address is gateway", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.1"})],
     "network 'cluster', host 'wrk-1': multihomed_addresses 172.16.40.1 is the network's gateway"),
    ("duplicate address", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}),
                           H("wrk-2", ["rke2_agents"], {"cluster": "172.16.40.47"})],
     "network 'cluster', host 'wrk-2': multihomed_addresses 172.16.40.47 is also the address of host 'wrk-1'"),
    ("static network without address", [H("wrk-1", ["rke2_agents"])],
     "network 'cluster', host 'wrk-1': multihomed_addresses is missing: network 'cluster' is static-only"),
    ("dhcp on static network", [H("wrk-1", ["rke2_agents"], {"cluster": "dhcp"})],
     "multihomed_addresses is 'dhcp' but network 'cluster' is static-only"),
    ("static on dhcp network", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47", "storage": "172.16.50.9"})],
     "network 'storage', host 'wrk-1': multihomed_addresses is 172.16.50.9 but network 'storage' is DHCP-only"),
    ("unknown network", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47", "backup": "10.0.0.1"})],
     "network 'backup', host 'wrk-1': multihomed_addresses names a network that is not in multihomed_networks"),
    ("address but not in groups", [H("cpl-1", ["rke2_servers"], {"cluster": "172.16.40.46", "storage": "dhcp"})],
     "network 'storage', host 'cpl-1': multihomed_addresses is set but the host is in none of the network's groups"),
    ("prefix mismatch", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47/16"})],
     "multihomed_addresses 172.16.40.47/16 has prefix /16 but cidr is 172.16.40.0/24"),
    ("same device twice", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}, {"storage": "ens192"})],
     "network 'storage', host 'wrk-1': interface device ens192 is also used by network 'cluster'"),
    ("bad mac", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}, {"storage": {"name": "ens224", "mac": "zz"}})],
     "network 'storage', host 'wrk-1': multihomed_interfaces.mac 'zz' is not a MAC address"),
    ("ambiguous master", [H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}),
                          H("wrk-2", ["rke2_agents"], {"cluster": "172.16.40.48"}, {"storage": "eth2"})],
     "network 'storage', host 'wrk-2': attachment.master is ambiguous: this host's device for the network is eth2, on "
     "wrk-1 it is ens224"),
]


@pytest.mark.parametrize("case, host_list, expected", HOST_ERRORS, ids=[c[0] for c in HOST_ERRORS])
def test_host_errors(case, host_list, expected):
    with pytest.raises(ModelError) as err:
        validate(base(), host_list)
    assert expected in str(err.value), str(err.value)


def test_two_default_routes():
    nets = base()
    nets["services"].update(addressing="static", gateway="172.16.60.1", default_route=True)
    host = H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47", "services": "172.16.60.7"})
    with pytest.raises(ModelError) as err:
        validate(nets, [host])
    assert ("network 'services', host 'wrk-1': default_route would be a second default route on this host "
            "(also on 'cluster')") in str(err.value)
    nets["cluster"]["default_route"] = False
    plan = validate(nets, [host])["plans"]["wrk-1"]
    assert [e["network"] for e in plan if e["default_route"]] == ["services"]


def test_all_errors_reported_at_once():
    nets = patched(("cluster", "vlan"), 9999)
    nets["storage"]["cidr"] = "bogus"
    with pytest.raises(ModelError) as err:
        validate(nets, hosts())
    assert len(err.value.errors) == 2


PLANS = [
    ("dedicated nic static", H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}), "cluster",
     {"device": "ens192", "parent": None, "vlan": 40, "dhcp": False, "address": "172.16.40.47", "prefix": 24,
      "gateway": "172.16.40.1", "default_route": True}),
    ("dhcp network", H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}), "storage",
     {"device": "ens224", "dhcp": True, "address": None, "default_route": False}),
    ("device override", H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47/24"}, {"cluster": "eth1"}), "cluster",
     {"device": "eth1", "address": "172.16.40.47"}),
    ("mac match", H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"},
                    {"cluster": {"name": "ens192", "mac": "52:54:00:AA:BB:CC"}}), "cluster",
     {"device": "ens192", "mac": "52:54:00:aa:bb:cc"}),
]


@pytest.mark.parametrize("case, host, network, expected", PLANS, ids=[c[0] for c in PLANS])
def test_host_plan(case, host, network, expected):
    entry = [e for e in host_networks(base(), host) if e["network"] == network][0]
    assert {k: entry[k] for k in expected} == expected


def test_vlan_subinterface_plan_and_master():
    nets = base()
    for name in nets:
        nets[name].pop("interface")
        nets[name]["parent"] = "ens160"
    host = H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"}, {"storage": "ens161"})
    plan = {e["network"]: e for e in host_networks(nets, host)}
    assert (plan["cluster"]["device"], plan["cluster"]["parent"], plan["cluster"]["vlan"]) == ("ens160.40", "ens160", 40)
    assert (plan["storage"]["device"], plan["storage"]["parent"]) == ("ens161.50", "ens161")
    assert json.loads(nad_manifests(nets)[0]["spec"]["config"])["master"] == "ens160.50"


def test_node_ip():
    assert node_ip(base(), H("wrk-1", ["rke2_agents"], {"cluster": "172.16.40.47"})) == "172.16.40.47"
    nets = patched(("cluster", "addressing"), "mixed")
    facts = {"ens192": {"ipv4": {"address": "172.16.40.99"}}}
    assert node_ip(nets, H("wrk-1", ["rke2_agents"], {"cluster": "dhcp"}), facts) == "172.16.40.99"
    with pytest.raises(ModelError, match="only known from gathered facts of ens192"):
        node_ip(nets, H("wrk-1", ["rke2_agents"], {"cluster": "dhcp"}), {})
    with pytest.raises(ModelError, match="host 'x': groups: the host is in none of the cluster network's groups"):
        node_ip(base(), H("x", ["other"]))


CANAL = [
    ("same names", hosts(), {}, {"flannel": {"backend": "vxlan", "iface": "ens192"},
                                 "calico": {"ipAutoDetectionMethod": "cidr=172.16.40.0/24"}}),
    ("host-gw by interface", hosts(), {"backend": "host-gw", "autodetect": "interface"},
     {"flannel": {"backend": "host-gw", "iface": "ens192"}, "calico": {"ipAutoDetectionMethod": "interface=^ens192$"}}),
    ("differing names", hosts() + [H("wrk-9", ["rke2_agents"], {"cluster": "172.16.40.60"}, {"cluster": "eth1.40"})],
     {"autodetect": "interface"},
     {"flannel": {"backend": "vxlan", "regexIface": r"^(ens192|eth1\.40)$"},
      "calico": {"ipAutoDetectionMethod": r"interface=^(ens192|eth1\.40)$"}}),
]


@pytest.mark.parametrize("case, host_list, kwargs, expected", CANAL, ids=[c[0] for c in CANAL])
def test_canal_values(case, host_list, kwargs, expected):
    assert canal_values(base(), host_list, **kwargs) == expected


def test_canal_bad_backend():
    with pytest.raises(ModelError, match="backend 'udp' is not a flannel backend"):
        canal_values(base(), hosts(), backend="udp")


def test_reference_nads():
    nads = nad_manifests(base())
    assert [n["metadata"]["name"] for n in nads] == ["macvlan-longhorn-dhcp", "macvlan-private-dhcp"]
    for nad, master in zip(nads, ["ens224", "ens256"]):
        assert nad["apiVersion"] == "k8s.cni.cncf.io/v1"
        assert nad["kind"] == "NetworkAttachmentDefinition"
        assert nad["metadata"]["namespace"] == "multus-network-attachments"
        assert nad["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "multihomed.rke2"}
        assert json.loads(nad["spec"]["config"]) == {
            "cniVersion": "0.3.1", "name": nad["metadata"]["name"], "type": "macvlan", "master": master,
            "mode": "bridge", "ipam": {"type": "dhcp"}, "capabilities": {"mac": True}}


def test_multus_2018_macvlan_conf():
    nets = {
        "cluster": {"cidr": "10.10.0.0/24", "purpose": "cluster", "groups": ["all"], "interface": "eth0"},
        "macvlan": {"cidr": "10.40.40.0/24", "purpose": "other", "groups": ["all"], "interface": "eth2",
                    "addressing": "dhcp",
                    "attachment": {"name": "macvlan-conf", "cni_version": "0.3.0", "capabilities": {},
                                   "ipam": {"type": "host-local", "subnet": "10.40.40.0/24",
                                            "range_start": "10.40.40.1", "range_end": "10.40.40.100",
                                            "routes": [{"dst": "0.0.0.0/0"}]}}},
    }
    assert cni_config(nets, "macvlan") == {
        "cniVersion": "0.3.0", "name": "macvlan-conf", "type": "macvlan", "master": "eth2", "mode": "bridge",
        "ipam": {
            "type": "host-local",
            "ranges": [[{"subnet": "10.40.40.0/24", "rangeStart": "10.40.40.1", "rangeEnd": "10.40.40.100"}]],
            "routes": [{"dst": "0.0.0.0/0"}],
        },
    }
    assert nad_manifests(nets)[0]["metadata"] == {
        "name": "macvlan-conf", "namespace": "default", "labels": {"app.kubernetes.io/managed-by": "multihomed.rke2"}}


CNI = [
    ("bridge", {"type": "bridge", "ipam": {"type": "static", "addresses": ["172.16.50.5/24"]}},
     {"type": "bridge", "bridge": "br-storage", "ipam": {"type": "static", "addresses": [{"address": "172.16.50.5/24"}]},
      "capabilities": {"ips": True, "mac": True}}),
    ("host-device", {"type": "host-device", "device": "ens300", "ipam": {"type": "dhcp"}},
     {"type": "host-device", "device": "ens300", "ipam": {"type": "dhcp"}}),
    ("ipvlan l3 mtu", {"type": "ipvlan", "mode": "l3", "mtu": 9000, "ipam": {"type": "whereabouts", "range_start": "172.16.50.20",
                                                                             "exclude": ["172.16.50.30/32"]}},
     {"type": "ipvlan", "master": "ens224", "mode": "l3", "mtu": 9000,
      "ipam": {"type": "whereabouts", "range": "172.16.50.0/24", "range_start": "172.16.50.20", "exclude": ["172.16.50.30/32"]}}),
    ("explicit master", {"master": "bond0", "ipam": {"type": "host-local", "gateway": "172.16.50.1"}},
     {"type": "macvlan", "master": "bond0", "mode": "bridge",
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "172.16.50.0/24", "gateway": "172.16.50.1"}]]},
      "capabilities": {"ips": True, "mac": True}}),
]


@pytest.mark.parametrize("case, attachment, expected", CNI, ids=[c[0] for c in CNI])
def test_cni_config(case, attachment, expected):
    nets = base()
    attachment = dict(attachment, name="att-" + case.replace(" ", "-"))
    nets["storage"]["attachment"] = attachment
    conf = cni_config(nets, "storage")
    expected = dict(expected, cniVersion="0.3.1", name=attachment["name"])
    assert conf == expected


def test_cni_config_errors():
    with pytest.raises(ModelError, match="network 'nope': not in multihomed_networks"):
        cni_config(base(), "nope")
    with pytest.raises(ModelError, match="network 'cluster': attachment is not set"):
        cni_config(base(), "cluster")


SELECTION = [
    ("short", ["a", "b"], None, "a,b"),
    ("namespace", ["a", "other/b"], "ns", "ns/a,other/b"),
    ("interface", ["a@net5", {"name": "b", "interface": "net6"}], None, "a@net5,b@net6"),
    ("json", [{"name": "a", "ips": ["198.18.50.5/24"], "mac": "02:00:00:00:00:01", "default_route": "198.18.50.1"}], "ns",
     '[{"name":"a","namespace":"ns","ips":["198.18.50.5/24"],"mac":"02:00:00:00:00:01","default-route":["198.18.50.1"]}]'),
]


@pytest.mark.parametrize("case, items, namespace, expected", SELECTION, ids=[c[0] for c in SELECTION])
def test_network_selection(case, items, namespace, expected):
    assert selection.network_selection(items, namespace) == expected


SELECTION_ERRORS = [
    ("empty", [], "input must be a non-empty list"),
    ("bad name", ["Bad_Name"], "item[0].name 'Bad_Name' is not a DNS-1123 label"),
    ("bad ip", [{"name": "a", "ips": ["x"]}], "item[0].ips 'x' is not an address with its prefix (IP/prefix)"),
    ("bare ip", [{"name": "a", "ips": ["198.18.50.5"]}], "item[0].ips '198.18.50.5' is not an address with its prefix"),
    ("bad mac", [{"name": "a", "mac": "nope"}], "item[0].mac 'nope' is not a MAC address"),
    ("unknown key", [{"name": "a", "vlan": 3}], "item[0] has unknown field(s) vlan"),
]


@pytest.mark.parametrize("case, items, expected", SELECTION_ERRORS, ids=[c[0] for c in SELECTION_ERRORS])
def test_network_selection_errors(case, items, expected):
    with pytest.raises(ModelError) as err:
        selection.network_selection(items)
    assert expected in str(err.value)


def test_multus_values():
    assert multus_values(base()) == {"manifests": {"dhcpDaemonSet": True}, "rke2-whereabouts": {"enabled": False}}
    nets = base()
    nets["storage"]["attachment"]["ipam"] = {"type": "whereabouts"}
    nets["services"]["attachment"]["ipam"] = {"type": "whereabouts"}
    assert multus_values(nets) == {"manifests": {"dhcpDaemonSet": False}, "rke2-whereabouts": {"enabled": True}}


def test_input_not_modified():
    nets = base()
    before = copy.deepcopy(nets)
    validate(nets, hosts())
    nad_manifests(nets)
    assert nets == before


def test_attached_host_names():
    groups = {"rke2_servers": ["cpl-1", "cpl-2"], "rke2_agents": ["wrk-1", "cpl-2"], "other": ["x"]}
    assert plan.attached_host_names(base(), groups) == ["wrk-1", "cpl-2", "cpl-1"]
