# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What node_network decides from a host's state: the preflight probe, the devices it must find (or rename), the
addresses seen after applying, what is wrong with them, and whom to ping.

Pure functions over the NIC plan (plan.host_plan) and plain data the role reads from the host (the probe's
``key=value`` lines, gathered facts, ``ip -j`` output); the role's tasks only carry the results. The messages are
the ones the role always printed (Molecule's node_network_preflight scenario asserts them).
"""

from __future__ import annotations

import ipaddress
import json

from ansible_collections.multihomed.rke2.plugins.module_utils import family
from ansible_collections.multihomed.rke2.plugins.module_utils.nic_config import l3_device


def _macs(facts):
    """Interface name -> lower-case MAC, from gathered facts (``ansible_facts``)."""
    out = {}
    for name in facts.get("interfaces") or []:
        dev = facts.get(name.replace("-", "_").replace(".", "_")) or {}
        out[name] = str(dev.get("macaddress") or "").lower()
    return out


def _wanted(plan):
    """One entry per device preflight must find: the device itself, or the trunk (parent) of a VLAN sub-interface."""
    return [{"network": e["network"], "device": e.get("parent") or e["device"], "mac": e.get("mac"),
             "role": f"parent of {e['device']}" if e.get("parent") else "device"} for e in plan]


def devices(plan, facts, host):
    """Preflight over the host's devices: ``problems`` (a planned device or VLAN parent missing, or with another
    MAC), ``renames`` (devices matched by MAC that carry another name) and their ``ip -batch`` ``rename_steps``."""
    macs = _macs(facts)
    problems, renames = [], []
    for w in _wanted(plan):
        by_name = w["device"] in macs
        by_mac = bool(w["mac"]) and w["mac"] in macs.values()
        if not by_name and not by_mac:
            mac = f" (MAC {w['mac']})" if w["mac"] else ""
            have = ", ".join(sorted(n for n in macs if n != "lo"))
            problems.append(f"host '{host}', network '{w['network']}': {w['role']} {w['device']}{mac} not found "
                            f"(the host has: {have})")
        elif w["mac"] and by_name and macs[w["device"]] != w["mac"]:
            problems.append(f"host '{host}', network '{w['network']}': {w['role']} {w['device']} has MAC "
                            f"{macs[w['device']]}, the plan says {w['mac']}")
        if w["mac"] and not by_name:
            for name, mac in macs.items():
                rename = {"from": name, "to": w["device"]}
                if mac == w["mac"] and rename not in renames:
                    renames.append(rename)
    steps = []
    for r in renames:  # a NIC must be down to be renamed
        steps += [f"link set dev {r['from']} down", f"link set dev {r['from']} name {r['to']}",
                  f"link set dev {r['to']} up"]
    return {"problems": problems, "renames": renames, "rename_steps": steps}


def _family_addresses(link, fam):
    """Global addresses of one family on a link (``ip -j addr``), normalised."""
    key = "inet" if fam == 4 else "inet6"
    return [str(ipaddress.ip_address(a["local"])) for a in link.get("addr_info", [])
            if a.get("family") == key and a.get("scope", "global") == "global"]


def _mine(view, have):
    """The view's address among ``have``: the planned one, or for DHCP/SLAAC any address in the view's CIDR."""
    if view["dhcp"] or view.get("slaac") or not view["address"]:
        net = ipaddress.ip_network(view["cidr"], strict=False)
        return [a for a in have if ipaddress.ip_address(a) in net]
    want = str(ipaddress.ip_address(view["address"]))
    return [want] if want in have else []


def seen(plan, ip_lines):
    """What each network got after applying, from ``ip -j addr show``, ``ip -j -4 route show default`` and,
    optionally, ``ip -j -6 route show default`` (one JSON document per line): ``seen`` (network -> device, exists,
    mtu, address of the first family, address6 of a dual-stack network's IPv6), ``missing`` (networks without an
    address of each of their families yet) and the host's ``default_routes`` (IPv4) and ``default_routes6`` (None
    when not read)."""
    lines = list(ip_lines or [])
    links = json.loads(lines[0]) if lines else []
    default_routes = json.loads(lines[1]) if len(lines) > 1 else []
    default_routes6 = json.loads(lines[2]) if len(lines) > 2 else None
    by_name = {link.get("ifname"): link for link in links}
    out, missing = {}, []
    for e in plan:
        dev = l3_device(e)
        link = by_name.get(dev) or {}
        rec = {"device": dev, "exists": bool(link), "mtu": link.get("mtu")}
        for i, view in enumerate(family.views(e)):
            mine = _mine(view, _family_addresses(link, view["family"]))
            rec["address" if i == 0 else "address6"] = mine[0] if mine else None
            if not mine and e["network"] not in missing:
                missing.append(e["network"])
        out[e["network"]] = rec
    return {"seen": out, "missing": missing, "default_routes": default_routes, "default_routes6": default_routes6}


def _default_problem(plan, routes, fam):
    default = next((l3_device(e) for e in plan if family.default_view(e, fam)), None)
    if default and (len(routes) != 1 or routes[0].get("dev") != default):
        found = ", ".join(str(r.get("dev")) for r in routes) or "none"
        what = "default route" if fam == 4 else "IPv6 default route"
        return [f"expected exactly one {what}, via {default}; found: {found}"]
    return []


def problems(plan, state, timeout):
    """What is wrong after applying (``state`` from :func:`seen`): a device missing, an address of a family not there
    after ``timeout`` seconds, another MTU, not exactly one default route per family via the planned device (IPv6
    only when ``state`` read its default routes)."""
    out = []
    for e in plan:
        s = state["seen"][e["network"]]
        if not s["exists"]:
            out.append(f"network '{e['network']}': device {s['device']} does not exist")
        else:
            for i, view in enumerate(family.views(e)):
                if s.get("address" if i == 0 else "address6") is not None:
                    continue
                kind = "SLAAC" if view.get("slaac") else "DHCP"
                want = f"from {kind} in {view['cidr']}" if view["dhcp"] or view.get("slaac") else view["address"]
                out.append(f"network '{e['network']}': {s['device']} has no address {want} after {timeout}s")
        if s["exists"] and e.get("mtu") and s["mtu"] != e["mtu"]:
            out.append(f"network '{e['network']}': {s['device']} has MTU {s['mtu']}, the plan says {e['mtu']}")
    out += _default_problem(plan, state["default_routes"], 4)
    if state.get("default_routes6") is not None:
        out += _default_problem(plan, state["default_routes6"], 6)
    return out


def ping_targets(plan, host, peers_seen):
    """Per network: the gateway and every other host of the play on it (its address as that host saw it), with the
    network's ``mtu`` when the plan sets one.

    ``peers_seen`` maps each play host to its :func:`seen` mapping (``node_network_seen``), or None when it has
    none."""
    out = []
    for e in plan:
        dev = l3_device(e)
        # A network whose MTU the plan sets is also checked with full-size packets (nic_verify.judge_mtu).
        mtu = {"mtu": e["mtu"]} if e.get("mtu") else {}
        if e.get("gateway"):
            out.append({"network": e["network"], "device": dev, "target": e["gateway"], "what": "gateway", **mtu})
        for peer, peer_seen in peers_seen.items():
            addr = ((peer_seen or {}).get(e["network"]) or {}).get("address") if peer != host else None
            if addr:
                out.append({"network": e["network"], "device": dev, "target": addr, "what": f"host {peer}", **mtu})
    return out
