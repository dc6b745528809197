# -*- coding: utf-8 -*-
# The plan as people read it: the tables hold every host and network; the topology renders to a non-empty picture.
from __future__ import annotations

import shutil
import subprocess

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import plan_view, report
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

NETWORKS = {
    "cluster": {"vlan": 40, "cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster",
                "groups": ["servers", "agents"], "interface": "ens192"},
    "storage": {"vlan": 50, "cidr": "198.18.50.0/24", "purpose": "storage", "groups": ["agents"],
                "interface": "ens224", "attachment": {"name": "lh", "namespace": "longhorn-system"}},
    "services": {"vlan": 60, "cidr": "198.18.60.0/24", "purpose": "services", "groups": ["agents"],
                 "interface": "ens256", "addressing": "dhcp",
                 "attachment": {"name": "svc", "ipam": {"type": "dhcp"}}},
}
HOSTS = [Host("cpl-1", ["servers"], {"cluster": "198.18.40.11"}),
         Host("wrk-1", ["agents"], {"cluster": "198.18.40.21", "storage": "198.18.50.21"}),
         Host("wrk-2", ["agents"], {"cluster": "198.18.40.22", "storage": "198.18.50.22"}, {"cluster": "eth1"})]


@pytest.fixture(name="rep")
def fixture_rep():
    return report.build(NETWORKS, HOSTS)


def test_table_aligns_columns():
    assert plan_view.table(["a", "bb"], [["xxx", 1], [None, "y"]]).splitlines() == [
        "a    bb", "---  --", "xxx  1", "     y"]


def test_plan_text_holds_every_host_network_and_nad(rep):
    text = plan_view.render(rep, {"rke2-canal values": {"flannel": {"regexIface": "^(ens192|eth1)$"}}})
    rows = [line.split() for line in text.splitlines()]
    for host, nets in (("cpl-1", ["cluster"]), ("wrk-1", ["cluster", "storage", "services"]),
                       ("wrk-2", ["cluster", "storage", "services"])):
        assert sorted(r[1] for r in rows if r and r[0] == host) == sorted(nets), host
    assert ["wrk-2", "cluster", "eth1", "40", "198.18.40.22/24", "via", "198.18.40.1", "198.18.40.22"] in rows
    assert ["wrk-1", "services", "ens256", "60", "dhcp"] in rows
    assert "longhorn-system/lh" in text and "default/svc" in text
    # The whereabouts pool and what was excluded from it (nodes' addresses).
    assert "198.18.50.21/32, 198.18.50.22/32" in text
    assert "Longhorn: storage-network = longhorn-system/lh" in text
    assert '"regexIface": "^(ens192|eth1)$"' in text
    assert all(w in text for w in rep["warnings"])


def test_topology_dot_names_everything(rep):
    dot = plan_view.topology_dot(rep)
    for name in ("host:cpl-1", "host:wrk-2", "net:storage", "nad:longhorn-system/lh", "198.18.50.0/24\\nVLAN 50",
                 '<TD ALIGN="LEFT">eth1</TD><TD ALIGN="LEFT">198.18.40.22/24</TD><TD ALIGN="LEFT" PORT="p0">default route'):
        assert name in dot, name
    # Each NIC is an edge from its host's row to its network; nothing labels the edges (they overlapped).
    assert '"host:wrk-2":p0:e -- "net:cluster":w' in dot and "taillabel" not in dot


def test_the_picture_shows_the_interface_holding_the_address():
    """issue 25: an address on a bridge or a macvlan shim is shown on it, with the device it is made on."""
    base = {"address": "198.18.70.21", "prefix": 24, "dhcp": False, "default_route": False, "network": "bridged",
            "purpose": "other", "cidr": "198.18.70.0/24", "vlan": None, "device": "ens161"}
    rep = {"hosts": ["h"], "networks": ["bridged", "services"], "attachments": {},
           "plans": {"h": [dict(base, bridge="br-bridged"),
                           dict(base, network="services", device="ens256", shim="mh-services", dhcp=True)]}}
    dot = plan_view.topology_dot(rep, title="t")
    assert 'br-bridged<BR ALIGN="LEFT"/>(bridge on ens161)' in dot
    assert 'mh-services<BR ALIGN="LEFT"/>(macvlan shim on ens256)</TD><TD ALIGN="LEFT">dhcp' in dot


@pytest.mark.skipif(not shutil.which("dot") or not shutil.which("rsvg-convert"),
                    reason="graphviz and librsvg2-bin are installed by make setup")
def test_topology_renders_to_a_picture(rep, tmp_path):
    (tmp_path / "t.dot").write_text(plan_view.topology_dot(rep))
    subprocess.run(["dot", "-Tsvg", str(tmp_path / "t.dot"), "-o", str(tmp_path / "t.svg")], check=True)
    svg = (tmp_path / "t.svg").read_text()
    assert svg.count("<g id=\"node") == len(HOSTS) + len(NETWORKS) + 2  # hosts, networks, two NADs
    subprocess.run(["rsvg-convert", "-f", "png", "-o", str(tmp_path / "t.png"), str(tmp_path / "t.svg")], check=True)
    png = (tmp_path / "t.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000  # a real picture, not an empty canvas
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 300 and height > 200
