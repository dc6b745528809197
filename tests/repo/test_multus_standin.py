"""The pure parts of the lab's Multus/Longhorn stand-in (tests/lab/multus_standin.py): annotation parsing,
interface names, NAD resolution, runtimeConfig and the network-status it writes. Cases follow multus-cni
pkg/k8sclient/k8sclient.go, pkg/multus/multus.go getIfname, network-attachment-definition-client CreateNetworkStatus
and longhorn-manager types/types.go CreateCniAnnotationFromSetting."""
import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDIN = os.path.join(ROOT, "tests", "lab", "multus_standin.py")
_spec = importlib.util.spec_from_file_location("multus_standin", STANDIN)
ms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ms)

NET_TOOLS = "multus-network-attachments/macvlan-longhorn-dhcp,multus-network-attachments/macvlan-private-dhcp"


@pytest.mark.parametrize("annotation, namespace, expected", [
    # the reference RKE2 lab's net-tools pod, verbatim
    (NET_TOOLS, "multus-network-attachments",
     [{"name": "macvlan-longhorn-dhcp", "namespace": "multus-network-attachments"},
      {"name": "macvlan-private-dhcp", "namespace": "multus-network-attachments"}]),
    # the 2018 write-up: no namespace -> the pod's
    ("macvlan-conf", "default", [{"name": "macvlan-conf", "namespace": "default"}]),
    (" a/x@eth5 , y ", "pods", [{"name": "x", "namespace": "a", "interface": "eth5"},
                                {"name": "y", "namespace": "pods"}]),
    ("", "default", []),
    # JSON form: namespace defaulted, ips/mac/default-route kept, unknown fields dropped
    ('[{"name": "s", "interface": "lhnet1", "ips": ["198.18.50.9/24"], "mac": "02:00:00:00:00:01", '
     '"default-route": ["198.18.50.1"], "other": 1}]', "ns",
     [{"name": "s", "namespace": "ns", "interface": "lhnet1", "ips": ["198.18.50.9/24"],
       "mac": "02:00:00:00:00:01", "default-route": ["198.18.50.1"]}]),
    ('{"name": "one", "namespace": "n2"}', "ns", [{"name": "one", "namespace": "n2"}]),
])
def test_parse_networks(annotation, namespace, expected):
    assert ms.parse_networks(annotation, namespace) == expected


@pytest.mark.parametrize("annotation, error", [
    ("a/b/c", "failed at '/'"),
    ("a/b@x@y", "failed at '@'"),
    ("Bad_Name", "not a DNS-1123 label"),
    ("[{\"name\": ", "JSON format"),
    ('[{"namespace": "x"}]', "with a 'name'"),
])
def test_parse_networks_errors(annotation, error):
    with pytest.raises(ms.StandinError, match=error):
        ms.parse_networks(annotation, "default")


@pytest.mark.parametrize("selections, expected", [
    ([{"name": "a"}, {"name": "b"}], ["net1", "net2"]),
    # getIfname counts positions, named ones included
    ([{"name": "a", "interface": "eth9"}, {"name": "b"}], ["eth9", "net2"]),
    ([{"name": "s", "interface": "lhnet1"}], ["lhnet1"]),
])
def test_interface_names(selections, expected):
    assert ms.interface_names(selections) == expected


def test_interface_names_twice():
    with pytest.raises(ms.StandinError, match="net2 requested twice"):
        ms.interface_names([{"name": "a", "interface": "net2"}, {"name": "b"}])


def nad(ns, name, conf):
    return {"metadata": {"namespace": ns, "name": name}, "spec": {"config": json.dumps(conf)}}


NADS = {
    ("multus-network-attachments", "macvlan-longhorn-dhcp"):
        nad("multus-network-attachments", "macvlan-longhorn-dhcp",
            {"cniVersion": "0.3.1", "name": "macvlan-longhorn-dhcp", "type": "macvlan", "master": "ens224",
             "ipam": {"type": "dhcp"}}),
    ("multus-network-attachments", "macvlan-private-dhcp"):
        nad("multus-network-attachments", "macvlan-private-dhcp",
            {"cniVersion": "0.3.1", "type": "macvlan", "master": "ens256", "capabilities": {"mac": True},
             "ipam": {"type": "dhcp"}}),
}


def test_resolve_net_tools():
    out = ms.resolve(ms.parse_networks(NET_TOOLS, "multus-network-attachments"), NADS)
    assert [(d["network"], d["ifname"], d["config"]["master"]) for d in out] == [
        ("multus-network-attachments/macvlan-longhorn-dhcp", "net1", "ens224"),
        ("multus-network-attachments/macvlan-private-dhcp", "net2", "ens256")]
    assert out[1]["config"]["name"] == "macvlan-private-dhcp"  # a config without a name gets the NAD's


def test_resolve_missing_nad_names_it():
    with pytest.raises(ms.StandinError, match=r"\(macvlan-conf\) in namespace \(default\)"):
        ms.resolve(ms.parse_networks("macvlan-conf", "default"), NADS)


@pytest.mark.parametrize("caps, sel, expected", [
    ({"mac": True}, {"mac": "02:00:00:00:00:01", "ips": ["198.18.60.9/24"]}, {"mac": "02:00:00:00:00:01"}),
    ({"ips": True, "mac": True}, {"ips": "198.18.60.9/24"}, {"ips": ["198.18.60.9/24"]}),
    ({}, {"mac": "02:00:00:00:00:01"}, None),  # not declared: Multus does not pass it
])
def test_runtime_config(caps, sel, expected):
    conf = ms.with_runtime_config({"type": "macvlan", "capabilities": caps}, sel)
    assert conf.get("runtimeConfig") == expected


RESULT_030 = {  # what macvlan 1.1.1 prints for cniVersion 0.3.0 with host-local
    "cniVersion": "0.3.0",
    "interfaces": [{"name": "net1", "mac": "aa:70:ab:b6:7a:86", "sandbox": "/var/run/netns/lab-pod-x"}],
    "ips": [{"version": "4", "interface": 0, "address": "198.18.72.2/24", "gateway": "198.18.72.1"}],
    "routes": [{"dst": "0.0.0.0/0"}],
    "dns": {},
}


@pytest.mark.parametrize("result, default, expected", [
    (RESULT_030, False, {"name": "default/macvlan-conf", "interface": "net1", "ips": ["198.18.72.2"],
                         "mac": "aa:70:ab:b6:7a:86", "dns": {}}),
    (RESULT_030, True, {"name": "default/macvlan-conf", "interface": "net1", "ips": ["198.18.72.2"],
                        "mac": "aa:70:ab:b6:7a:86", "default": True, "dns": {}}),
    # host-side interfaces (no sandbox) are not the pod's
    ({"interfaces": [{"name": "br0", "mac": "02:00:00:00:00:09"}, {"name": "net1", "sandbox": "/x"}],
      "ips": [{"address": "198.18.70.5/24"}], "dns": {"nameservers": ["198.18.70.1"]}}, False,
     {"name": "default/macvlan-conf", "interface": "net1", "ips": ["198.18.70.5"],
      "dns": {"nameservers": ["198.18.70.1"]}}),
])
def test_network_status_entry(result, default, expected):
    entry = ms.network_status_entry("default/macvlan-conf", result, default)
    assert entry == expected
    assert list(entry) == list(expected)  # Multus's key order


def test_network_status_order_is_attach_order():
    status = ms.network_status([("a/one", RESULT_030), ("a/two", RESULT_030)])
    assert [s["name"] for s in status] == ["a/one", "a/two"]


@pytest.mark.parametrize("value, expected", [
    ("multus-network-attachments/macvlan-longhorn-dhcp",
     '[{"namespace": "multus-network-attachments", "name": "macvlan-longhorn-dhcp", "interface": "lhnet1"}]'),
    ("", ""),
])
def test_longhorn_annotation(value, expected):
    assert ms.longhorn_annotation(value) == expected


def test_longhorn_annotation_resolves_to_lhnet1():
    ann = ms.longhorn_annotation("multus-network-attachments/macvlan-longhorn-dhcp")
    out = ms.resolve(ms.parse_networks(ann, "longhorn-system"), NADS)
    assert [(d["network"], d["ifname"]) for d in out] == [
        ("multus-network-attachments/macvlan-longhorn-dhcp", "lhnet1")]


def test_longhorn_annotation_refuses_bad_value():
    with pytest.raises(ms.StandinError, match="not <namespace>/<name>"):
        ms.longhorn_annotation("just-a-name")


def test_cni_args():
    assert ms.cni_args("ns", "p", "c") == "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;K8S_POD_INFRA_CONTAINER_ID=c"


def test_pod_addresses():
    assert ms.pod_addresses([("net1", RESULT_030), ("net2", {"ips": []})]) == {"net1": "198.18.72.2/24"}


PODS = {
    "net-tools": {"addresses": {"net1": "198.18.50.120/24", "net2": "198.18.60.130/24"}},
    "im-a": {"addresses": {"lhnet1": "198.18.50.121/24"}},
    "samplepod": {"addresses": {"net1": "198.18.72.2/24"}},
}


def test_reach_checks_expect_only_shared_subnets():
    checks = ms.reach_checks(PODS, [{"name": "web", "address": "198.18.60.31"}])
    got = {(c["src"], c["dst"]): c["expect"] for c in checks}
    assert got == {
        ("net-tools", "im-a lhnet1"): True, ("net-tools", "samplepod net1"): False, ("net-tools", "web"): True,
        ("im-a", "net-tools net1"): True, ("im-a", "net-tools net2"): False, ("im-a", "samplepod net1"): False,
        ("im-a", "web"): False,
        ("samplepod", "net-tools net1"): False, ("samplepod", "net-tools net2"): False,
        ("samplepod", "im-a lhnet1"): False, ("samplepod", "web"): False,
    }
    assert {c["ip"] for c in checks if c["dst"] == "net-tools net2"} == {"198.18.60.130"}


def test_matrix_text_marks_surprises():
    checks = [dict(c, got=c["expect"]) for c in ms.reach_checks(PODS)]
    checks[0]["got"] = not checks[0]["expect"]
    lines = ms.matrix_text(checks)
    assert lines[0].startswith("from \\ to") and "[4]" in lines[0]
    assert lines[1].startswith("net-tools") and "NO!" in lines[1] and lines[1].split()[1] == "."  # itself
    assert "[1] net-tools net1 (198.18.50.120)" in "\n".join(lines)
    assert "  [3] im-a lhnet1 (198.18.50.121)" in lines
    assert sum("yes" in line for line in lines[1:4]) == 1  # net-tools <-> im-a over storage, the only shared subnet
