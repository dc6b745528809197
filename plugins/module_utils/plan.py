# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each host makes of the networks: its NIC plan and its node IP.

A NIC plan is a list of plain dicts, one per network the host is attached to (model order): the device
(``<parent>.<vlan>`` for a VLAN sub-interface, a per-host name or MAC when ``multihomed_interfaces`` says so),
static address or DHCP, MTU, routes and whether it carries the host's one default route; ``bridge`` or ``shim``
when the network's attachment moves the host's address from the NIC to a host bridge or macvlan. Plans are plain data
because they travel: they are published in the ``multihomed_report`` fact and rendered by ``nic_config``.
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import checks, family
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError, check_ip_in, where
from ansible_collections.multihomed.rke2.plugins.module_utils.model import cluster_network


def _interface_override(problems, network, host):
    value = host.interfaces.get(network.name)
    if value is None:
        return None, None
    if isinstance(value, str):
        name, mac = value, None
    elif isinstance(value, dict):
        name, mac = value.get("name"), value.get("mac")
    else:
        problems.add(where(network.name, host.name), "multihomed_interfaces", "must be a device name or {name, mac}")
        return None, None
    if name is not None and not checks.IFNAME.match(str(name)):
        problems.add(where(network.name, host.name), "multihomed_interfaces",
                     f"{name!r} is not a valid Linux interface name")
        name = None
    if mac is not None and not checks.MAC.match(str(mac)):
        problems.add(where(network.name, host.name), "multihomed_interfaces.mac", f"{mac!r} is not a MAC address")
        mac = None
    return name, (str(mac).lower() if mac else None)


def _auto(value, addressing, family):
    """How a host without a planned address gets one: 'dhcp' or, for IPv6, 'slaac' (None: it needs an address)."""
    if value in ("dhcp", "slaac"):
        return value
    if value is None and addressing != "static":
        return addressing if addressing in ("dhcp", "slaac") else ("slaac" if family == 6 else "dhcp")
    return None


def _address(problems, n, host, value, used_addresses, suffix=""):
    """The plan's address fields for one host's multihomed_addresses value (``suffix`` 6: multihomed_addresses6
    on the IPv6 side of a dual-stack network); None: a problem was recorded."""
    net, cidr, gateway, addressing = ((n.net6, n.cidr6, n.gateway6, n.addressing6) if suffix else
                                      (n.net, n.cidr, n.gateway, n.addressing))
    family = net.version if net is not None else 4
    at, key = where(n.name, host.name, family if suffix else None), "multihomed_addresses" + suffix
    field6 = "6" if suffix else ""
    auto = _auto(value, addressing, family)
    if value is None or auto is not None:
        if auto == "slaac" and family != 6:
            problems.add(at, key, "is 'slaac', which is IPv6 only (router advertisements); use dhcp")
            return None
        if addressing == "static":
            problems.add(at, key, f"is missing: network '{n.name}' is static-only (addressing{field6}: static); give "
                         f"this host an address in {cidr}, or set addressing{field6}: "
                         f"{'dhcp|slaac|mixed' if family == 6 else 'dhcp|mixed'}" if value is None else
                         f"is '{value}' but network '{n.name}' is static-only (addressing{field6}: static)")
            return None
        if addressing in ("dhcp", "slaac") and auto != addressing:
            problems.add(at, key, f"is '{value}' but network '{n.name}' uses {addressing} (addressing{field6}: "
                         f"{addressing}); drop the value or set addressing{field6}: mixed")
            return None
        out = {"dhcp": True, "address": None, "prefix": None}
        if family == 6:
            out["slaac"] = auto == "slaac"
        return {k + suffix: v for k, v in out.items()}
    if addressing in ("dhcp", "slaac"):
        problems.add(at, key, f"is {value} but network '{n.name}' is "
                     f"{'DHCP' if addressing == 'dhcp' else 'SLAAC'}-only (addressing{field6}: "
                     f"{addressing}); drop the address or set addressing{field6}: mixed")
        return None
    text = str(value)
    if "/" in text:
        iface = checks.net(text)
        if iface is None:
            problems.add(at, key, f"{value!r} is not an IP address")
            return None
        if net is not None and iface.prefixlen != net.prefixlen:
            problems.add(at, key, f"{text} has prefix /{iface.prefixlen} but cidr{field6} is {cidr}")
            return None
        text = str(iface.ip)
    address = check_ip_in(problems, n.name, key, text, net, host.name, family if suffix else None)
    if address is None:
        return None
    if gateway is not None and str(address) == gateway:
        problems.add(at, key, f"{address} is the network's gateway{field6}")
        return None
    if used_addresses is not None:
        other = used_addresses.get(address)
        if other is not None:
            problems.add(at, key, f"{address} is also the address of host '{other}'")
        else:
            used_addresses[address] = host.name
    out = {"dhcp": False, "address": str(address), "prefix": net.prefixlen if net is not None else None}
    if family == 6:
        out["slaac"] = False
    return {k + suffix: v for k, v in out.items()}


def _host_device(problems, n, host, entry, devices):
    """A bridge attachment's host bridge or a macvlan's host shim takes the host's address: the entry names it
    (``bridge`` / ``shim``; absent otherwise, so plans without them keep their keys)."""
    att = n.attachment
    for key, dev in (("bridge", att and att.bridge), ("shim", att and att.host_shim)):
        if not dev:
            continue
        if dev in devices:
            problems.add(where(n.name, host.name), f"attachment.{'bridge' if key == 'bridge' else 'host_shim'}",
                         f"device {dev} is also used by network '{devices[dev]}'")
        devices[dev] = n.name
        if key == "shim" and att.master_explicit and att.master != entry["device"]:
            problems.add(where(n.name, host.name), "attachment.host_shim", f"the shim's parent is this host's "
                         f"{entry['device']} but attachment.master is {att.master}: pods and shim need one parent")
        entry[key] = dev


def host_plan(networks, host, problems, used_addresses=None):
    """One host's NIC plan, checking its own variables; records static addresses in used_addresses."""
    plan = []
    known = set(networks)
    for key in sorted(set(host.addresses) - known):
        problems.add(where(key, host.name), "multihomed_addresses", "names a network that is not in multihomed_networks")
    for key in sorted(set(host.addresses6) - known):
        problems.add(where(key, host.name), "multihomed_addresses6", "names a network that is not in "
                     "multihomed_networks")
    for key in sorted(set(host.interfaces) - known):
        problems.add(where(key, host.name), "multihomed_interfaces", "names a network that is not in "
                     "multihomed_networks")
    devices = {}
    for name, n in networks.items():
        if not set(host.groups).intersection(n.groups):
            if name in host.addresses:
                problems.add(where(name, host.name), "multihomed_addresses", "is set but the host is in none of the "
                             f"network's groups ({', '.join(n.groups)})")
            continue
        if name in host.addresses6 and not n.dual_stack:
            problems.add(where(name, host.name, 6), "multihomed_addresses6", "is set but the network has no cidr6 "
                         "(an IPv6-only network takes its addresses in multihomed_addresses)")
        override, mac = _interface_override(problems, n, host)
        parent = (override or n.parent) if n.parent else None
        device = f"{parent}.{n.vlan}" if n.parent else (override or n.interface)
        if device in devices:
            problems.add(where(name, host.name), "interface", f"device {device} is also used by network "
                         f"'{devices[device]}'")
        devices[device] = name
        entry = {
            "network": name, "purpose": n.purpose, "device": device, "parent": parent, "vlan": n.vlan,
            "mac": mac, "cidr": n.cidr, "gateway": n.gateway, "mtu": n.mtu,
            "default_route": n.default_route, "routes": n.routes,
        }
        address = _address(problems, n, host, host.addresses.get(name), used_addresses)
        if n.dual_stack:
            entry.update({"cidr6": n.cidr6, "gateway6": n.gateway6, "default_route6": n.default_route6,
                          "routes6": n.routes6})
            address6 = _address(problems, n, host, host.addresses6.get(name), used_addresses, "6")
            address = dict(address, **address6) if address is not None and address6 is not None else None
        if address is None:
            continue
        entry.update(address)
        _host_device(problems, n, host, entry, devices)
        plan.append(entry)
    for fam in (4, 6):
        defaults = [e["network"] for e in plan if family.default_view(e, fam)]
        if len(defaults) > 1:
            key = "default_route6" if fam == 6 and networks[defaults[1]].dual_stack else "default_route"
            problems.add(where(defaults[1], host.name, fam if fam == 6 else None), key,
                         f"would be a second {'IPv6 ' if fam == 6 else ''}default route on this host (also on "
                         f"'{defaults[0]}'); only one network may carry the {'IPv6 ' if fam == 6 else ''}default "
                         "route")
    return plan


def attached_host_names(raw_networks, groups):
    """Names of the hosts in any group a network lists (sorted by group, then inventory order, each once)."""
    wanted = set()
    for spec in (raw_networks.values() if isinstance(raw_networks, dict) else []):
        if isinstance(spec, dict):
            wanted.update(spec.get("groups") or [])
    names, seen = [], set()
    for group in sorted(wanted):
        for host in groups.get(group) or []:
            if host not in seen:
                seen.add(host)
                names.append(host)
    return names


def members(network, hosts):
    """The hosts (of ``hosts``) attached to a network."""
    return [h for h in hosts if set(h.groups).intersection(network.groups)]


def static_node_ip(networks, plan):
    """The plan's static address on the cluster network (``v4,v6`` on a dual-stack one, as RKE2's node-ip takes
    it); None when an address comes from DHCP or SLAAC, or the host is not on it."""
    cluster = cluster_network(networks)
    for entry in plan:
        if entry["network"] == cluster.name:
            views = family.views(entry)
            return None if any(v["dhcp"] for v in views) else ",".join(v["address"] for v in views)
    return None


def _fact_address(dev, view):
    """The address of the view's family that gathered facts show on the device (IPv6: global, inside the cidr)."""
    if view["family"] == 4:
        return (dev.get("ipv4") or {}).get("address")
    cidr = checks.net(view["cidr"])
    return next((a.get("address") for a in dev.get("ipv6") or [] if a.get("scope") == "global"
                 and checks.ip(a.get("address")) in cidr), None)


def node_ip_from_facts(cluster_name, cluster_groups, host_name, plan, facts):
    """node-ip for a host: its static cluster address, or the DHCP (SLAAC) address its gathered facts show; both
    families, first family first, on a dual-stack cluster network."""
    for entry in plan:
        if entry["network"] != cluster_name:
            continue
        out = []
        dev = (facts or {}).get(entry["device"].replace(".", "_").replace("-", "_")) or {}
        for i, view in enumerate(family.views(entry)):
            addr = view["address"] if not view["dhcp"] else _fact_address(dev, view)
            if not addr:
                key = "multihomed_addresses" + ("6" if i else "")
                raise ModelError([f"network '{cluster_name}', host '{host_name}': {key} uses "
                                  f"{'SLAAC' if view['slaac'] else 'DHCP'} on the cluster network, so node-ip is only "
                                  f"known from gathered facts of {entry['device']}, which have no "
                                  f"{'IPv4' if view['family'] == 4 else 'global IPv6'} address; give the host a static "
                                  "address (recommended for RKE2)"])
            out.append(addr)
        return ",".join(out)
    raise ModelError([f"network '{cluster_name}', host '{host_name}': groups: the host is in none of the cluster "
                      f"network's groups ({', '.join(cluster_groups)})"])
