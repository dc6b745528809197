# -*- coding: utf-8 -*-
# What the lab observed, as people read it (the end of make lab): with the recorded fragments of a lab run
# (tests/fixtures/lab_observed.json) and the report of inventories/lab, the tables hold every host, network, pod and
# agent, the reachability matrices say who reached whom, and the topology names every observed address.
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import observed_view as ov
from ansible_collections.multihomed.rke2.plugins.module_utils import plan, report
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
with open(os.path.join(ROOT, "tests", "fixtures", "lab_observed.json")) as _f:
    FRAGMENTS = json.load(_f)["fragments"]
HOSTS = ["mh-cpl-1", "mh-cpl-2", "mh-cpl-3", "mh-wrk-1", "mh-wrk-2", "mh-wrk-3"]
AGENTS = HOSTS[3:]
PROOF_NADS = ["bridge-dhcp", "macvlan-longhorn-dhcp", "macvlan-private-dhcp"]
WRITEUP_PODS = ["multus-network-attachments/net-tools", "default/samplepod"] + \
    [f"longhorn-system/instance-manager-{a}" for a in AGENTS]


def _lab_inventory():
    """inventories/lab read as plain YAML (unit tests of module_utils cannot import Ansible's inventory): the
    networks, each host's variables with its group_names, and the groups."""
    base = os.path.join(ROOT, "inventories", "lab")
    with open(os.path.join(base, "hosts.yml")) as f:
        tree = yaml.safe_load(f)
    groups = {}

    def walk(name, node, parents):
        node = node or {}
        for host in node.get("hosts") or {}:
            for group in parents + [name]:
                groups.setdefault(group, []).append(host)
        for child, sub in (node.get("children") or {}).items():
            walk(child, sub, parents + [name])

    for name, node in tree.items():
        walk(name, node, [])
    with open(os.path.join(base, "group_vars", "all", "networks.yml")) as f:
        networks = yaml.safe_load(f)["multihomed_networks"]
    hostvars = {}
    for host in sorted({h for members in groups.values() for h in members}):
        path = os.path.join(base, "host_vars", f"{host}.yml")
        with open(path) as f:
            hostvars[host] = dict(yaml.safe_load(f) or {}, inventory_hostname=host,
                                  group_names=sorted(g for g, members in groups.items() if host in members))
    return networks, hostvars, {g: sorted(set(m)) for g, m in groups.items()}


@pytest.fixture(name="rep", scope="module")
def fixture_rep():
    """The validated report of inventories/lab, as plan.yml and site.yml build it."""
    networks, hostvars, groups = _lab_inventory()
    return report.build(networks, [Host.from_vars(h, hostvars[h]) for h in plan.attached_host_names(networks, groups)])


def _doc(fragments=None):
    return ov.assemble(list(copy.deepcopy(fragments or FRAGMENTS).values()))


def _rows(text):
    return [line.split() for line in text.splitlines()]


@pytest.mark.parametrize("value, expected", [
    (None, []), ("", []), ("not json", []), ('{"a": 1}', []), ("[{}, 3]", [{}]), ([{"ifname": "x"}], [{"ifname": "x"}]),
])
def test_ip_output_is_read_leniently(value, expected):
    assert ov._list(value) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("route, expected", [
    ({"dst": "default", "gateway": "198.18.72.1", "dev": "net1"}, "default via 198.18.72.1"),
    ({"dst": "198.18.50.0/24", "dev": "net1", "protocol": "kernel", "scope": "link"}, "198.18.50.0/24 connected"),
    ({"dst": "10.0.0.0/8", "dev": "net1", "protocol": "static"}, "10.0.0.0/8"),
])
def test_route_text(route, expected):
    assert ov.route_text(route) == expected


def test_links_leave_out_loopback_and_link_local_and_name_ports_and_parents():
    links = {link["ifname"]: link for link in ov.links(FRAGMENTS["proof/host-mh-wrk-1.json"]["ip_addr"])}
    assert sorted(links) == ["br-bridged", "ens161", "ens192", "ens224", "ens256", "eth2", "mh-services"]
    assert links["ens192"]["addresses"] == ["198.18.40.21/24"]
    assert links["ens161"]["master"] == "br-bridged" and links["ens161"]["addresses"] == []
    assert links["ens256"]["children"] == ["mh-services"]
    assert links["mh-services"]["addresses"] == ["198.18.60.117/24"]


def test_assemble_holds_every_host_pod_and_check():
    doc = _doc()
    assert sorted(doc["hosts"]) == HOSTS
    assert sorted(p["id"] for p in doc["pods"] if p["run"] == "proof") == \
        sorted(f"{a}/lab-{n}" for a in AGENTS for n in PROOF_NADS)
    assert sorted(p["pod"] for p in doc["pods"] if p["run"] == "write-ups") == sorted(WRITEUP_PODS)
    proof = [c for c in doc["reach"] if c["run"] == "proof"]
    # per agent: 3 NADs x 2 peers reached, 3 x 2 other NADs x 3 agents not
    assert len(proof) == 3 * (6 + 18) and all(c["got"] == c["expect"] for c in proof)
    assert {"run": "proof", "src": "mh-wrk-1/lab-bridge-dhcp", "dst": "mh-wrk-2/lab-bridge-dhcp",
            "ip": "198.18.70.185", "got": True, "expect": True} in proof
    web = [c for c in doc["reach"] if c["dst"] == "web"]
    assert [(c["src"], c["got"]) for c in web if c["got"]] == [("mh-wrk-1/net-tools", True)]
    assert doc["longhorn"]["storage-network"] == "multus-network-attachments/macvlan-longhorn-dhcp"


def test_hosts_table_holds_every_host_and_planned_network(rep):
    rows = _rows(ov.hosts_table(rep, _doc()))
    for host in HOSTS:
        for entry in rep["plans"][host]:
            row = next(r for r in rows if r[0] == host and entry["network"] in r)
            assert row[-1] == ("dhcp" if entry["dhcp"] else "\u2713"), row
    assert ["mh-wrk-2", "mh-services", "UP", "198.18.60.142/24", "services", "\u2713", "dhcp"] in rows
    assert ["mh-wrk-3", "ens161", "UP", "-", "port", "of", "br-bridged"] in rows
    assert ["mh-wrk-1", "ens256", "UP", "-", "parent", "of", "mh-services"] in rows


def test_hosts_table_names_what_differs_from_the_plan(rep):
    frags = copy.deepcopy(FRAGMENTS)
    del frags["proof/host-mh-cpl-2.json"]
    info = frags["proof/host-mh-wrk-2.json"]["ip_addr"]
    next(link for link in info if link["ifname"] == "ens224")["addr_info"][0]["local"] = "198.18.50.99"
    next(link for link in info if link["ifname"] == "br-bridged")["addr_info"] = []
    rows = _rows(ov.hosts_table(rep, _doc(frags)))
    assert ["mh-cpl-2", "(not", "observed)"] in rows
    assert ["mh-wrk-2", "ens224", "UP", "198.18.50.99/24", "storage", "\u2717", "planned", "198.18.50.22/24"] in rows
    assert ["mh-wrk-2", "ens161", "-", "bridged", "\u2717", "planned", "198.18.70.22/24,", "not", "seen"] in rows


@pytest.mark.parametrize("run, pods", [
    ("proof", [(a, f"lab-{n}") for a in AGENTS for n in PROOF_NADS]),
    ("write-ups", [("mh-wrk-1", p) for p in WRITEUP_PODS[:2]] + list(zip(AGENTS, WRITEUP_PODS[2:]))),
])
def test_pods_table_holds_every_pod_interface_and_network(rep, run, pods):
    rows = _rows(ov.pods_table(rep, _doc(), run))
    for node, pod in pods:
        assert [r for r in rows if r[:2] == [pod, node]], (pod, node)
    assert len(rows) - 2 == len(pods) + (1 if run == "write-ups" else 0)  # net-tools has net1 and net2
    if run == "write-ups":
        assert ["multus-network-attachments/net-tools", "mh-wrk-1", "net2", "198.18.60.142/24", "services",
                "multus-network-attachments/macvlan-private-dhcp", "198.18.60.0/24", "connected"] in rows
        assert ["default/samplepod", "mh-wrk-1", "net1", "198.18.72.6/24", "writeup2018", "default/macvlan-conf",
                "default", "via", "198.18.72.1;", "198.18.72.0/24", "connected"] in rows


def test_reach_matrix_of_the_proof_shows_each_network_as_a_block():
    lines = ov.reach_matrix(_doc(), "proof").splitlines()
    rows = {r[0]: r[1:] for r in _rows("\n".join(lines[1:10]))}
    for i, src in enumerate(sorted(rows, key=lambda s: (s.split("/")[1], s))):
        net = i // 3
        expected = ["-" if j == i else ("\u2713" if j // 3 == net else "\u2717") for j in range(9)]
        assert rows[src] == expected, src
    assert lines[-1].endswith("all as the subnets say (a pod reaches exactly its own networks)")


def test_reach_matrix_marks_what_went_otherwise():
    frags = copy.deepcopy(FRAGMENTS)
    pings = frags["proof/pings-mh-wrk-3.json"]["pings"]
    leak = next(p for p in pings if p[0][3] == "lab-bridge-dhcp" and p[0][-1] == "198.18.50.125")
    leak[1] = 0
    text = ov.reach_matrix(_doc(frags), "proof")
    row = next(r for r in _rows(text) if r[0] == "mh-wrk-3/lab-bridge-dhcp")
    assert row[1:] == ["\u2713", "\u2713", "-", "\u2713!", "\u2717", "\u2717", "\u2717", "\u2717", "\u2717"]
    assert text.splitlines()[-1].endswith("1 NOT as expected (marked !)")


def test_reach_matrix_of_the_write_ups_has_the_web_server():
    text = ov.reach_matrix(_doc(), "write-ups")
    assert "[6] web (198.18.60.31)" in text
    row = next(r for r in _rows(text) if r[0] == "mh-wrk-1/net-tools")
    # columns: the three instance managers, net-tools itself, samplepod (2018 network), the web server
    assert row[1:] == ["\u2713", "\u2713", "\u2713", "-", "\u2717", "\u2713"]


def test_longhorn_table_has_lhnet1_per_agent(rep):
    rows = _rows(ov.longhorn_table(rep, _doc()))
    for agent, addr in zip(AGENTS, ["198.18.50.145/24", "198.18.50.166/24", "198.18.50.143/24"]):
        peers = ", ".join(f"{p} \u2713" for p in AGENTS if p != agent).split()
        assert next(r for r in rows if r[0] == agent) == [
            agent, f"longhorn-system/instance-manager-{agent}", addr, "storage",
            "multus-network-attachments/macvlan-longhorn-dhcp", "none"] + peers
    frags = copy.deepcopy(FRAGMENTS)
    del frags["write-ups/pod-longhorn-system_instance-manager-mh-wrk-2.json"]
    assert ["mh-wrk-2", "(no", "instance", "manager", "observed)"] in _rows(ov.longhorn_table(rep, _doc(frags)))


def test_render_says_what_stands_in_and_where_the_picture_is(rep):
    text = ov.render(rep, _doc(), svg="/run/multihomed-rke2/lab/summary/topology.svg")
    assert text.startswith("STAND-IN: Multus and Longhorn do not run in the lab")
    for title in ("Hosts and NICs (6 hosts observed", "Pods of the per-NAD proof", "Pods of the write-ups",
                  "Reachability, proof", "Reachability, write-ups", "Longhorn lhnet1 per agent: storage-network "
                  "Setting multus-network-attachments/macvlan-longhorn-dhcp"):
        assert title in text, title
    assert text.splitlines()[-1] == "Topology with observed addresses: /run/multihomed-rke2/lab/summary/topology.svg"
    assert "(no host observed)" in ov.render(rep, ov.assemble([]))


def test_topology_dot_names_every_host_network_nad_pod_and_address(rep):
    doc = _doc()
    dot = ov.topology_dot(rep, doc)
    names = [f"host:{h}" for h in HOSTS] + [f"net:{n}" for n in rep["networks"]] + \
        [f"nad:{a['namespace']}/{a['name']}" for a in rep["attachments"].values()] + \
        [f"pod:{p['id']}" for p in doc["pods"]]
    for name in names:
        assert f'"{name}"' in dot, name
    for addr in ("ens224\\n198.18.50.22/24", "mh-services\\n198.18.60.117/24", "br-bridged\\n198.18.70.23/24",
                 "eth2\\n198.18.72.201/24", "lhnet1\\n198.18.50.166/24", "net2\\n198.18.60.142/24"):
        assert addr in dot, addr


@pytest.mark.skipif(not shutil.which("dot"), reason="graphviz is installed by make setup")
def test_topology_renders_to_svg_with_every_node(rep, tmp_path):
    doc = _doc()
    (tmp_path / "t.dot").write_text(ov.topology_dot(rep, doc))
    subprocess.run(["dot", "-Tsvg", str(tmp_path / "t.dot"), "-o", str(tmp_path / "t.svg")], check=True)
    svg = ET.parse(str(tmp_path / "t.svg")).getroot()
    nodes = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == len(HOSTS) + len(rep["networks"]) + len(rep["attachments"]) + len(doc["pods"])
