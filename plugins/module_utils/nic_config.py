# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a host's NIC plan (see plan.host_plan) into netplan and NetworkManager configuration.

Pure data in, pure data out: the role writes the results with to_nice_yaml (netplan) and as keyfiles (NM).
netplan keys: https://netplan.readthedocs.io/en/stable/netplan-yaml/ (routes, dhcp4-overrides, match, set-name, vlans)
NM keyfile keys: https://networkmanager.dev/docs/api/latest/nm-settings-keyfile.html
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

from ansible_collections.multihomed.rke2.plugins.module_utils import family
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError

# Keys every NIC plan entry carries (plan.host_plan writes them all).
PLAN_KEYS = ("network", "device", "dhcp", "address", "prefix", "gateway", "default_route")

# The namespace of Ansible's to_uuid filter, so UUIDs stay what earlier releases wrote.
UUID_NAMESPACE = uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E")


def check_plan(plan):
    """ModelError naming the entry and the missing or wrong keys when ``plan`` is not a NIC plan."""
    if not isinstance(plan, list):
        raise ModelError([f"plan: must be a list of NIC plan entries (multihomed.rke2.host_networks), got "
                          f"{type(plan).__name__}"], "invalid NIC plan")
    problems = []
    for i, entry in enumerate(plan):
        if not isinstance(entry, dict):
            problems.append(f"plan[{i}]: must be a mapping, got {type(entry).__name__}")
            continue
        where = f"plan[{i}] (network {entry.get('network')!r})"
        missing = [k for k in PLAN_KEYS if k not in entry]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        for i, v in enumerate(family.views(entry)):
            if not v["dhcp"] and (not v["address"] or not v["prefix"]):
                problems.append(f"{where}: a static entry needs address and prefix" + ("6" if i else ""))
        for j, route in enumerate(entry.get("routes") or []):
            if not isinstance(route, dict) or "to" not in route:
                problems.append(f"{where}: routes[{j}] must be a mapping with 'to'")
    if problems:
        raise ModelError(problems, "invalid NIC plan")


def _nm_route(route):
    """NM keyfile route value ``dst[,gateway[,metric]]``; a metric without a gateway is ``dst,,metric`` (NM reads
    ``dst,metric`` as a gateway and drops the route: NM keyfile reader, see shared UPSTREAM-FACTS)."""
    if "metric" in route:
        return f"{route['to']},{route.get('via', '')},{route['metric']}"
    if "via" in route:
        return f"{route['to']},{route['via']}"
    return route["to"]


def _static_default(view):
    """The gateway of a family view that carries the host's default route of its family by a static route."""
    return view["gateway"] if view["default_route"] and not view["dhcp"] and view["gateway"] else None


DEFAULT_DST = {4: "default", 6: "::/0"}


def _netplan_routes(views):
    routes = [{"to": DEFAULT_DST[v["family"]], "via": _static_default(v)} for v in views if _static_default(v)]
    for v in views:
        for route in v["routes"]:
            routes.append(dict(route) if "via" in route else dict(route, scope="link"))
    return routes


def _netplan_ip(entry):
    """Addresses and routes of both families. IPv6: static addresses with accept-ra off; DHCPv6 (dhcp6 and
    accept-ra, the default route comes in router advertisements) or SLAAC (accept-ra only)."""
    views = family.views(entry)
    v4, v6 = family.view(entry, 4), family.view(entry, 6)
    out = {"dhcp4": bool(v4 and v4["dhcp"])}
    if v6:
        out["dhcp6"] = bool(v6["dhcp"] and not v6["slaac"])
        out["accept-ra"] = bool(v6["dhcp"])
    addresses = ["%s/%s" % (v["address"], v["prefix"]) for v in views if not v["dhcp"]]
    if addresses:
        out["addresses"] = addresses
    if v4 and v4["dhcp"] and not v4["default_route"]:
        out["dhcp4-overrides"] = {"use-routes": False}
    routes = _netplan_routes(views)
    if routes:
        out["routes"] = routes
    if entry.get("mtu"):
        out["mtu"] = entry["mtu"]
    return out


def _l2_only(entry):
    """A NIC whose address lives elsewhere: the port of a host bridge or the parent of a host shim."""
    return bool(entry.get("bridge") or entry.get("shim"))


def l3_device(entry):
    """The device holding the entry's address: the host bridge, the host shim, or the NIC itself."""
    return entry.get("bridge") or entry.get("shim") or entry["device"]


def _netplan_link(entry):
    """A bridge port or shim parent: declared (netplan needs a bridge's interfaces defined), no address of its own."""
    return {"mtu": entry["mtu"]} if entry.get("mtu") else {}


def netplan_config(plan, renderer="networkd"):
    """The netplan document for a NIC plan: dedicated NICs under ethernets, sub-interfaces under vlans (their trunk
    declared, matched by MAC when planned, its MTU raised to fit its VLANs), host bridges under bridges with the NIC
    as their port and the address on the bridge (netplan doc "Properties for device type bridges": the interfaces
    must also be defined). A host shim's parent is declared without address; netplan has no macvlan type, so the
    shim itself is in :func:`networkd_shims`."""
    check_plan(plan)
    ethernets, vlans, bridges = {}, {}, {}
    for entry in plan:
        if entry.get("bridge"):
            bridge = {"interfaces": [entry["device"]], "parameters": {"stp": False, "forward-delay": 0}}
            bridge.update(_netplan_ip(entry))
            bridges[entry["bridge"]] = bridge
    for entry in plan:
        if entry.get("parent"):
            continue
        item = _netplan_link(entry) if _l2_only(entry) else _netplan_ip(entry)
        if entry.get("mac"):
            item["match"] = {"macaddress": entry["mac"]}
            item["set-name"] = entry["device"]
        ethernets[entry["device"]] = item
    for entry in plan:
        if not entry.get("parent"):
            continue
        vlan = {"id": entry["vlan"], "link": entry["parent"]}
        vlan.update(_netplan_link(entry) if _l2_only(entry) else _netplan_ip(entry))
        vlans[entry["device"]] = vlan
        trunk = dict(ethernets.get(entry["parent"], {}))
        if entry.get("mac"):
            trunk["match"] = {"macaddress": entry["mac"]}
            trunk["set-name"] = entry["parent"]
        if entry.get("mtu"):
            trunk["mtu"] = max(trunk.get("mtu", 0), entry["mtu"])
        ethernets[entry["parent"]] = trunk
    network = {"version": 2, "renderer": renderer, "ethernets": ethernets}
    if vlans:
        network["vlans"] = vlans
    if bridges:
        network["bridges"] = bridges
    return {"network": network}


def networkd_shims(plan, prefix="60-multihomed-"):
    """systemd-networkd files of the host shims (netplan has no macvlan type): per shim a ``.netdev`` (macvlan, mode
    bridge), a ``.network`` with the entry's address, routes and MTU, and a drop-in on netplan's ``.network`` of the
    parent (``10-netplan-<device>.network.d/``) that stacks the shim on it (``[Network] MACVLAN=``; systemd
    ``netdev-gperf.gperf``, ``systemd.network(5)`` drop-ins). Returns [{path, sections: [[section, [[key, value]]]]}],
    paths relative to /etc/systemd/network; sections repeat ([Route])."""
    check_plan(plan)
    out = []
    for entry in plan:
        shim = entry.get("shim")
        if not shim:
            continue
        netdev = [["NetDev", [["Name", shim], ["Kind", "macvlan"]] + ([["MTUBytes", entry["mtu"]]] if entry.get("mtu")
                                                                      else [])],
                  ["MACVLAN", [["Mode", "bridge"]]]]
        network = [["Match", [["Name", shim]]]]
        if entry.get("mtu"):
            network.append(["Link", [["MTUBytes", entry["mtu"]]]])
        views = family.views(entry)
        v4, v6 = family.view(entry, 4), family.view(entry, 6)
        dhcp = [f"ipv{v['family']}" for v in views if v["dhcp"] and not v["slaac"]]
        net = [["DHCP", dhcp[0] if len(dhcp) == 1 else "yes"]] if dhcp else []
        net += [["Address", "%s/%s" % (v["address"], v["prefix"])] for v in views if not v["dhcp"]]
        net += [["Gateway", _static_default(v)] for v in views if _static_default(v)]
        net.append(["LinkLocalAddressing", "ipv6" if v6 else "no"])
        if v6:
            net.append(["IPv6AcceptRA", bool(v6["dhcp"])])
        network.append(["Network", net])
        if v4 and v4["dhcp"] and not v4["default_route"]:
            network.append(["DHCPv4", [["UseRoutes", False], ["UseGateway", False]]])
        for route in [r for v in views for r in v["routes"]]:
            keys = [["Destination", route["to"]]]
            keys.append(["Gateway", route["via"]] if "via" in route else ["Scope", "link"])
            if "metric" in route:
                keys.append(["Metric", route["metric"]])
            network.append(["Route", keys])
        out.append({"path": "%s%s.netdev" % (prefix, shim), "sections": netdev})
        out.append({"path": "%s%s.network" % (prefix, shim), "sections": network})
        out.append({"path": "10-netplan-%s.network.d/%sshim.conf" % (entry["device"], prefix),
                    "sections": [["Network", [["MACVLAN", shim]]]]})
    return out


def _connection(cid, device, kind, priority):
    return {"id": cid, "uuid": str(uuid.uuid5(UUID_NAMESPACE, "multihomed.rke2/" + cid)), "type": kind,
            "interface-name": device, "autoconnect": True, "autoconnect-priority": priority}


def _nm_family(view):
    """[ipv4] or [ipv6] of one family view: manual, or auto (DHCPv4; IPv6: router advertisements with SLAAC or
    DHCPv6 as the router's M/O flags say), never-default off the default route."""
    out = {"method": "auto" if view["dhcp"] else "manual"}
    if not view["dhcp"]:
        out["address1"] = "%s/%s" % (view["address"], view["prefix"])
    if _static_default(view):
        out["gateway"] = view["gateway"]
    if not view["default_route"]:
        out["never-default"] = True
        if view["dhcp"]:
            out["ignore-auto-routes"] = True
    for index, route in enumerate(view["routes"], 1):
        out["route%d" % index] = _nm_route(route)
    return out


def _nm_ip(entry):
    """The [ipv4] and [ipv6] sections of an entry: a family it lacks is disabled (IPv4) or link-local (IPv6)."""
    v4, v6 = family.view(entry, 4), family.view(entry, 6)
    return (_nm_family(v4) if v4 else {"method": "disabled"}), (_nm_family(v6) if v6 else {"method": "link-local"})


def nm_connections(plan, prefix="multihomed-", priority=10):
    """NetworkManager keyfiles as data: a list of {id, device, trunk, data: {section: {key: value}}}, one per
    network, plus a bare profile for a VLAN trunk that carries no network of its own, a bridge profile before a
    bridge port's (``<prefix>bridge-<network>``) and a macvlan profile after a shim parent's
    (``<prefix>shim-<network>``), in the order they are brought up."""
    check_plan(plan)
    dedicated = [e["device"] for e in plan if not e.get("parent")]
    trunks = {}
    for entry in plan:
        if entry.get("parent") and entry["parent"] not in dedicated:
            seen = trunks.get(entry["parent"], {"mtu": 0, "mac": None})
            trunks[entry["parent"]] = {"mtu": max(seen["mtu"], entry.get("mtu") or 0),
                                       "mac": entry.get("mac") or seen["mac"]}
    out = []
    for name, trunk in trunks.items():
        cid = "%strunk-%s" % (prefix, name)
        ethernet = {}
        if trunk["mtu"]:
            ethernet["mtu"] = trunk["mtu"]
        if trunk["mac"]:
            ethernet["mac-address"] = trunk["mac"]
        out.append({"id": cid, "device": name, "trunk": True, "data": {
            "connection": _connection(cid, name, "ethernet", priority), "ethernet": ethernet,
            "ipv4": {"method": "disabled"}, "ipv6": {"method": "disabled"}}})
    for entry in plan:
        cid = prefix + entry["network"]
        if entry.get("bridge"):
            out.append(_nm_bridge(entry, prefix, priority))
        ethernet = {}
        if entry.get("mtu"):
            ethernet["mtu"] = entry["mtu"]
        if entry.get("mac") and not entry.get("parent"):
            ethernet["mac-address"] = entry["mac"]
        data = {"connection": _connection(cid, entry["device"], "vlan" if entry.get("parent") else "ethernet",
                                          priority),
                "ethernet": ethernet}
        if entry.get("parent"):
            data["vlan"] = {"id": entry["vlan"], "parent": entry["parent"]}
        if entry.get("bridge"):
            # master/slave-type, not controller/port-type: those need NetworkManager >= 1.46 (Debian 12, RHEL 8 and
            # 9 ship older); NM >= 1.46 reads both (libnm-core nm-setting-connection.c).
            data["connection"].update({"master": entry["bridge"], "slave-type": "bridge"})
        elif entry.get("shim"):
            data["ipv4"] = {"method": "disabled"}
            data["ipv6"] = {"method": "disabled"}
        else:
            data["ipv4"], data["ipv6"] = _nm_ip(entry)
        out.append({"id": cid, "device": entry["device"], "trunk": False, "data": data})
        if entry.get("shim"):
            out.append(_nm_shim(entry, prefix, priority))
    return out


def _nm_bridge(entry, prefix, priority):
    """The host bridge of a bridge attachment, holding the entry's address; its port (the NIC's profile) follows
    it, and activating the bridge brings its ports up (autoconnect-slaves)."""
    cid = "%sbridge-%s" % (prefix, entry["network"])
    connection = dict(_connection(cid, entry["bridge"], "bridge", priority), **{"autoconnect-slaves": 1})
    data = {"connection": connection, "ethernet": {"mtu": entry["mtu"]} if entry.get("mtu") else {},
            "bridge": {"stp": False, "forward-delay": 0}}
    data["ipv4"], data["ipv6"] = _nm_ip(entry)
    return {"id": cid, "device": entry["bridge"], "trunk": False, "data": data}


def _nm_shim(entry, prefix, priority):
    """The host shim of a macvlan attachment: a macvlan in bridge mode (``[macvlan] mode=2``, nm-setting-macvlan.h)
    on the network's device, holding the entry's address; a stable MAC so DHCP leases survive reboots."""
    cid = "%sshim-%s" % (prefix, entry["network"])
    ethernet = {"cloned-mac-address": "stable"}
    if entry.get("mtu"):
        ethernet["mtu"] = entry["mtu"]
    data = {"connection": _connection(cid, entry["shim"], "macvlan", priority), "ethernet": ethernet,
            "macvlan": {"parent": entry["device"], "mode": 2}}
    data["ipv4"], data["ipv6"] = _nm_ip(entry)
    return {"id": cid, "device": entry["shim"], "trunk": False, "data": data}
