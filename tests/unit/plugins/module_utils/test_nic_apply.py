# -*- coding: utf-8 -*-
"""Table tests of nic_apply, the decisions of the nic_plan module (the module itself runs on the SSH lab:
tests/integration/test_lab_ssh.py)."""
from __future__ import annotations

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_apply


def E(network, device, **kw):
    entry = {"network": network, "purpose": "other", "device": device, "parent": None, "vlan": None, "mac": None,
             "cidr": "198.18.50.0/24", "gateway": None, "mtu": None, "default_route": False, "routes": [],
             "dhcp": False, "address": "198.18.50.21", "prefix": 24}
    entry.update(kw)
    return entry


PLAN = [E("cluster", "ens192", cidr="198.18.40.0/24", address="198.18.40.21", gateway="198.18.40.1",
          default_route=True),
        E("services", "ens256", cidr="198.18.60.0/24", dhcp=True, address=None, prefix=None, shim="mh-services")]
OPTS = {"backend": "netplan", "netplan_file": "/etc/netplan/60-multihomed.yaml", "netplan_renderer": "networkd",
        "networkd_dir": "/etc/systemd/network", "networkd_prefix": "60-multihomed-", "nm_dir": "/nm",
        "nm_prefix": "multihomed-", "nm_priority": 100, "nm_conf_path": "/etc/NetworkManager/conf.d/rke2-canal.conf",
        "nm_unmanaged_devices": ["interface-name:cali*", "interface-name:flannel*"]}

INSTALLER = "network:\n  version: 2\n  ethernets:\n    ens192:\n      addresses: [198.18.40.21/24]\n"
MIXED = "network:\n  version: 2\n  ethernets:\n    ens192: {dhcp4: true}\n    ens999: {dhcp4: true}\n"


# netplan(5) "General structure": files are merged, so another file's stanza for a planned NIC would keep its
# addresses beside ours; the model takes the NIC over.
@pytest.mark.parametrize("text, content, devices", [
    (INSTALLER, None, ["ens192"]),                                   # nothing else in it: set aside
    (MIXED, {"network": {"version": 2, "ethernets": {"ens999": {"dhcp4": True}}}}, ["ens192"]),  # the NIC leaves it
    ("network:\n  version: 2\n  ethernets:\n    ens999: {dhcp4: true}\n", "untouched", []),
    ("not: [valid", "untouched", []),
])
def test_takeover(text, content, devices):
    taken = nic_apply.takeover(PLAN, {"/etc/netplan/00-installer-config.yaml": text})
    if content == "untouched":
        assert taken == {}
        return
    take = list(taken.values())[0]
    assert len(taken) == 1 and take["devices"] == devices
    assert (take["content"] if content is None else yaml.safe_load(take["content"])) == content


def test_changes_and_diff_of_a_takeover():
    taken = nic_apply.takeover(PLAN, {"/etc/netplan/00-installer-config.yaml": INSTALLER})
    desired = nic_apply.desired_files(PLAN, OPTS)
    current = {"/etc/netplan/00-installer-config.yaml": (INSTALLER, 0o600)}
    changes = nic_apply.changes(desired, current, [], taken)
    assert [(c["path"], c["state"]) for c in changes] == [
        ("/etc/NetworkManager/conf.d/rke2-canal.conf", "created"),
        ("/etc/netplan/00-installer-config.yaml", "removed"),
        ("/etc/netplan/00-installer-config.yaml.multihomed-disabled", "created"),
        ("/etc/netplan/60-multihomed.yaml", "created"),
        ("/etc/systemd/network/10-netplan-ens256.network.d/60-multihomed-shim.conf", "created"),
        ("/etc/systemd/network/60-multihomed-mh-services.netdev", "created"),
        ("/etc/systemd/network/60-multihomed-mh-services.network", "created")]
    kept = next(c for c in changes if c["path"].endswith(".multihomed-disabled"))
    assert kept["after"] == INSTALLER and kept["mode"] == 0o600
    diffs = nic_apply.diffs(changes)
    assert {d["after_header"] for d in diffs} - {"/dev/null"} | {d["before_header"] for d in diffs} - {"/dev/null"} \
        == {c["path"] for c in changes}
    conf = desired["/etc/NetworkManager/conf.d/rke2-canal.conf"]
    assert "[keyfile]\nunmanaged-devices=interface-name:cali*;interface-name:flannel*\n" in conf["content"]


def test_unchanged_files_are_no_change_and_a_mode_change_is():
    desired = nic_apply.desired_files(PLAN, OPTS)
    current = {p: (d["content"], d["mode"]) for p, d in desired.items()}
    assert nic_apply.changes(desired, current, [], {}) == []
    current[OPTS["netplan_file"]] = (desired[OPTS["netplan_file"]]["content"], 0o644)
    assert [c["state"] for c in nic_apply.changes(desired, current, [], {})] == ["changed"]


@pytest.mark.parametrize("path, ours", [
    ("/etc/systemd/network/60-multihomed-mh-old.netdev", True),
    ("/etc/systemd/network/10-netplan-ens256.network.d/60-multihomed-shim.conf", True),
    ("/etc/systemd/network/10-other.network", False),
    ("/etc/netplan/60-multihomed-mh.netdev", False),
])
def test_owned_stale_candidates(path, ours):
    assert nic_apply.owned(path, OPTS) is ours


def test_networks_changed_against_the_last_confirmed_plan():
    assert nic_apply.networks_changed(PLAN, None) == ["cluster", "services"]
    assert nic_apply.networks_changed(PLAN, PLAN) == []
    moved = [dict(PLAN[0], address="198.18.40.121"), PLAN[1]]
    assert nic_apply.networks_changed(moved, PLAN) == ["cluster"]
    assert nic_apply.networks_changed(PLAN[:1], PLAN) == ["services"]


def test_live_against_the_plan():
    links = [{"ifname": "ens192", "mtu": 1500, "addr_info": [
        {"family": "inet", "local": "198.18.40.21", "prefixlen": 24},
        {"family": "inet", "local": "198.18.40.99", "prefixlen": 24}]},
        {"ifname": "mh-services", "mtu": 1500,
         "addr_info": [{"family": "inet", "local": "198.18.60.150", "prefixlen": 24}]}]
    got = nic_apply.live(PLAN, links, [{"dev": "ens192"}])
    assert got["networks"]["cluster"]["extra"] == ["198.18.40.99/24"]
    assert got["networks"]["cluster"]["missing"] == []
    assert got["networks"]["services"]["missing"] == [] and got["networks"]["services"]["planned"] == []
    assert got["networks"]["cluster"]["default_route_ok"] is True
    assert nic_apply.live(PLAN, links, [])["networks"]["cluster"]["default_route_ok"] is False
