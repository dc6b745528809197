# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the nic_plan module decides, as pure functions: the files a host's NIC plan needs (rendered by nic_config),
what differs from the files on the host, other netplan files that also configure a planned device (taken over),
the networks a change touches, what is live on the host against the plan, and the shell script that activates a
change (nic_rollback: the one that rolls it back; nic_verify: what the checks after it decide). The module
(plugins/modules/nic_plan.py) only reads, runs and writes.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import posixpath
import shlex

try:
    import yaml
except ImportError:  # pragma: no cover - the module reports it (netplan hosts have it: netplan needs python3-yaml)
    yaml = None

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config

HEADER = ("# Managed by multihomed.rke2 (node_network, module nic_plan): change the network model in the "
          "inventory, not this file.\n")
# netplan reads these directories, later names winning (netplan(5) "General structure").
NETPLAN_DIRS = ("/lib/netplan", "/etc/netplan", "/run/netplan")
NETPLAN_DEVICE_TYPES = ("ethernets", "vlans", "bridges", "bonds", "wifis", "tunnels", "vrfs")
DISABLED_SUFFIX = ".multihomed-disabled"


def _value(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def _ini(sections):
    """INI text of [[section, [[key, value]]]] (systemd-networkd) or {section: {key: value}} (NM keyfile)."""
    items = sections.items() if isinstance(sections, dict) else sections
    out = [HEADER.rstrip("\n")]
    for section, keys in items:
        pairs = keys.items() if isinstance(keys, dict) else keys
        if not pairs:
            continue
        out += ["", f"[{section}]"] + [f"{k}={_value(v)}" for k, v in pairs]
    return "\n".join(out) + "\n"


def _yaml(doc):
    if yaml is None:
        raise ImportError("PyYAML is needed on the host to write netplan files (python3-yaml)")
    return HEADER + yaml.safe_dump(doc, indent=2, sort_keys=True, default_flow_style=False)


def desired_files(plan, opts):
    """Path -> {content, mode} of every file the plan needs, for ``opts['backend']`` (netplan or networkmanager)."""
    out = {}
    if opts["backend"] == "netplan":
        out[opts["netplan_file"]] = {"content": _yaml(nic_config.netplan_config(plan, opts["netplan_renderer"])),
                                     "mode": 0o600}
        for shim in nic_config.networkd_shims(plan, opts["networkd_prefix"]):
            path = posixpath.join(opts["networkd_dir"], shim["path"])
            out[path] = {"content": _ini(shim["sections"]), "mode": 0o644}
    else:
        for conn in nm_profiles(plan, opts):
            out[conn["path"]] = {"content": _ini(conn["data"]), "mode": 0o600}
    if opts.get("nm_conf_path"):
        out[opts["nm_conf_path"]] = {"content": nm_unmanaged_conf(opts.get("nm_unmanaged_devices") or []),
                                     "mode": 0o644}
    return out


def nm_unmanaged_conf(devices):
    """RKE2's NetworkManager fix (rke2 docs, known_issues.md): NetworkManager leaves the CNI's devices alone."""
    return (HEADER + "# RKE2 known issue: NetworkManager must leave the CNI's devices alone (canal/calico/flannel/"
            "wireguard).\n[keyfile]\nunmanaged-devices=" + ";".join(devices) + "\n")


def nm_profiles(plan, opts):
    """NetworkManager profiles in activation order, each with its keyfile path."""
    out = []
    for conn in nic_config.nm_connections(plan, opts["nm_prefix"], opts["nm_priority"]):
        out.append(dict(conn, path=posixpath.join(opts["nm_dir"], conn["id"] + ".nmconnection")))
    return out


def owned(path, opts):
    """Whether ``path`` is a file of ours (named with our prefix in our directory): stale when not desired."""
    if opts["backend"] == "netplan":
        rel = posixpath.relpath(path, opts["networkd_dir"])
        return not rel.startswith("..") and (posixpath.basename(rel).startswith(opts["networkd_prefix"]))
    return (posixpath.dirname(path) == opts["nm_dir"]
            and fnmatch.fnmatch(posixpath.basename(path), opts["nm_prefix"] + "*.nmconnection"))


def planned_devices(plan):
    """Every device name the plan configures: NICs, VLAN trunks, bridges, shims."""
    names = []
    for e in plan:
        for name in (e["device"], e.get("parent"), e.get("bridge"), e.get("shim")):
            if name and name not in names:
                names.append(name)
    return names


def takeover(plan, foreign):
    """Other netplan files that configure a planned device: netplan MERGES them with ours (their addresses and
    routes stay; netplan(5) "General structure": later files amend earlier ones), so the model would not own the
    device. ``foreign`` maps path -> text. Returns path -> {content (None: the file goes, its text is kept beside
    it as <path>.multihomed-disabled), devices, note}."""
    devices = set(planned_devices(plan))
    out = {}
    for path, text in sorted(foreign.items()):
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        network = doc.get("network") if isinstance(doc, dict) else None
        if not isinstance(network, dict):
            continue
        taken, left = [], 0
        for kind in NETPLAN_DEVICE_TYPES:
            section = network.get(kind)
            if not isinstance(section, dict):
                continue
            for name in list(section):
                if name in devices:
                    taken.append(name)
                    del section[name]
            if not section:
                del network[kind]
            left += len(section)
        if not taken:
            continue
        note = "cloud-init rewrites it at boot unless its network config is disabled" if "cloud-init" in path else ""
        out[path] = {"content": None if left == 0 else _yaml(doc), "devices": taken, "note": note}
    return out


def changes(desired, current, stale, taken):
    """The file changes, sorted by path: [{path, state (created|changed|removed), before, after, mode}].
    ``current`` maps path -> (text, mode) of the files that exist; ``stale`` lists our files no longer desired."""
    out = []
    for path, want in desired.items():
        have = current.get(path)
        if have is None:
            out.append({"path": path, "state": "created", "before": "", "after": want["content"], "mode": want["mode"]})
        elif have[0] != want["content"] or have[1] != want["mode"]:
            out.append({"path": path, "state": "changed", "before": have[0], "after": want["content"],
                        "mode": want["mode"]})
    for path in stale:
        out.append({"path": path, "state": "removed", "before": current[path][0], "after": "", "mode": None})
    for path, take in taken.items():
        before, mode = current[path]
        if take["content"] is None:
            out.append({"path": path, "state": "removed", "before": before, "after": "", "mode": None})
            out.append({"path": path + DISABLED_SUFFIX, "state": "created", "before": "", "after": before,
                        "mode": 0o600})
        else:
            out.append({"path": path, "state": "changed", "before": before, "after": take["content"], "mode": mode})
    return sorted(out, key=lambda c: c["path"])


def diffs(file_changes):
    """Ansible's diff list, one entry per file."""
    return [{"before_header": c["path"] if c["state"] != "created" else "/dev/null",
             "after_header": c["path"] if c["state"] != "removed" else "/dev/null",
             "before": c["before"], "after": c["after"]} for c in file_changes]


def networks_changed(plan, previous):
    """Networks whose plan entry differs from the last confirmed plan (all of them when there is none)."""
    before = {e["network"]: e for e in previous or []}
    return [e["network"] for e in plan if before.get(e["network"]) != e] + \
        [n for n in before if n not in {e["network"] for e in plan}]


def live(plan, links, routes):
    """What is live on the host against the plan (``ip -j addr show`` and ``ip -j -4 route show default``, parsed):
    per network its device, planned/seen/extra/missing addresses (``a.b.c.d/p``) and whether the default routes
    are as planned. ``extra`` holds IPv4 addresses on the device outside the plan; DHCP networks plan no address."""
    by_name = {link.get("ifname"): link for link in links or []}
    default = next((nic_config.l3_device(e) for e in plan if e["default_route"]), None)
    route_devs = [r.get("dev") for r in routes or []]
    routes_ok = route_devs == [default] if default else True
    out = {}
    for e in plan:
        dev = nic_config.l3_device(e)
        link = by_name.get(dev) or {}
        seen = [f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []) if a.get("family") == "inet"]
        if e["dhcp"]:
            planned = []
            inside = [a for a in seen if ipaddress.ip_interface(a).ip in ipaddress.ip_network(e["cidr"], strict=False)]
            missing = [] if inside else [f"an address from DHCP in {e['cidr']}"]
            extra = [a for a in seen if a not in inside]
        else:
            planned = [f"{e['address']}/{e['prefix']}"]
            missing = [a for a in planned if a not in seen]
            extra = [a for a in seen if a not in planned]
        out[e["network"]] = {"device": dev, "exists": bool(link), "mtu": link.get("mtu"), "planned": planned,
                             "seen": seen, "missing": missing, "extra": extra,
                             "default_route_ok": routes_ok}
    return {"networks": out, "default_routes": route_devs, "default_route_planned": default}


def _q(words):
    return " ".join(shlex.quote(str(w)) for w in words)


def activate_commands(backend, devices, nm_ids, reload_nm=False):
    """Shell lines that make the written files live: netplan generate + networkd reload/reconfigure (what
    `netplan apply` does for networkd, without udev, so it works in containers too) or NetworkManager reload + up;
    a changed NetworkManager configuration first reloads NetworkManager when it runs."""
    first = ["{ ! systemctl -q is-active NetworkManager || systemctl reload NetworkManager; }"] if reload_nm else []
    if backend == "netplan":
        return first + ["netplan generate", "networkctl reload",
                        "for d in %s; do [ -e /sys/class/net/$d ] && networkctl reconfigure $d; done" % _q(devices)]
    lines = first + ["nmcli connection reload"]
    lines += ["nmcli --wait 30 connection up id %s" % shlex.quote(i) for i in nm_ids]
    return lines


def apply_script(renames, backend, devices, nm_ids, reload_nm=False):
    """The activation (the module runs it after arming the rollback); exit status in apply.rc, output in apply.log."""
    steps = ["ip link set dev %s down && ip link set dev %s name %s && ip link set dev %s up"
             % (shlex.quote(r["from"]), shlex.quote(r["from"]), shlex.quote(r["to"]), shlex.quote(r["to"]))
             for r in renames]
    body = " &&\n  ".join(steps + activate_commands(backend, devices, nm_ids, reload_nm))
    return ("#!/bin/sh\n# multihomed.rke2 nic_plan: activate the new files (rollback is armed).\n"
            "cd \"$(dirname \"$0\")\"\n{\n  %s\n} > apply.log 2>&1\necho $? > apply.rc.tmp && mv apply.rc.tmp apply.rc\n"
            % body)
