# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The multihomed.rke2 network model: one declarative description of the cluster's networks.

Pure Python (netaddr for address math), shared by the filter plugins and the modules. Nothing here talks to
Ansible or to a host: functions take plain data (the ``multihomed_networks`` dict and, per host, its groups,
``multihomed_addresses`` and ``multihomed_interfaces``) and return plain data, or raise :class:`ModelError`
listing every problem found, each naming the network, the host and the field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

try:
    import netaddr

    HAS_NETADDR = True
except ImportError:  # pragma: no cover - reported by the callers
    HAS_NETADDR = False

MANAGED_LABEL = "app.kubernetes.io/managed-by"
MANAGED_VALUE = "multihomed.rke2"
NAD_API_VERSION = "k8s.cni.cncf.io/v1"
NETWORKS_ANNOTATION = "k8s.v1.cni.cncf.io/networks"

PURPOSES = ("cluster", "storage", "services", "other")
ADDRESSING = ("static", "dhcp", "mixed")
ATTACHMENT_TYPES = ("macvlan", "ipvlan", "bridge", "host-device")
MODES = {
    "macvlan": ("bridge", "private", "vepa", "passthru"),
    "ipvlan": ("l2", "l3", "l3s"),
}
DEFAULT_MODE = {"macvlan": "bridge", "ipvlan": "l2"}
IPAM_TYPES = ("host-local", "static", "dhcp", "whereabouts")
CNI_VERSIONS = ("0.3.0", "0.3.1", "0.4.0", "1.0.0")
DEFAULT_CNI_VERSION = "0.3.1"
DEFAULT_NAD_NAMESPACE = "default"
FLANNEL_BACKENDS = ("vxlan", "host-gw", "wireguard", "ipsec")
AUTODETECT_METHODS = ("cidr", "interface")

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_IFNAME = re.compile(r"^[^\s/:]{1,15}$")
_MAC = re.compile(r"^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")

NETWORK_FIELDS = (
    "vlan", "cidr", "gateway", "mtu", "purpose", "groups", "interface", "parent", "addressing",
    "default_route", "routes", "attachment", "description",
)
ATTACHMENT_FIELDS = ("name", "namespace", "type", "mode", "master", "bridge", "device", "mtu", "ipam", "cni_version")
IPAM_FIELDS = {
    "host-local": ("type", "subnet", "range_start", "range_end", "gateway", "routes"),
    "static": ("type", "addresses", "routes"),
    "dhcp": ("type",),
    "whereabouts": ("type", "range", "range_start", "range_end", "exclude", "gateway", "routes"),
}


class ModelError(ValueError):
    """Raised with every problem found; ``errors`` is the list of messages."""

    def __init__(self, errors):
        self.errors = list(errors)
        super(ModelError, self).__init__(
            "invalid multihomed network model:\n  - " + "\n  - ".join(self.errors)
        )


class _Errors(object):
    def __init__(self):
        self.items = []

    def add(self, network, field, message, host=None):
        where = "network '%s'" % network if network is not None else "model"
        if host is not None:
            where += ", host '%s'" % host
        self.items.append("%s: %s %s" % (where, field, message) if field else "%s: %s" % (where, message))

    def raise_if_any(self):
        if self.items:
            raise ModelError(self.items)


class HostInfo(object):
    """What the model needs to know about one inventory host."""

    __slots__ = ("name", "groups", "addresses", "interfaces")

    def __init__(self, name, groups=None, addresses=None, interfaces=None):
        self.name = str(name)
        self.groups = list(groups or [])
        self.addresses = dict(addresses or {})
        self.interfaces = dict(interfaces or {})

    @classmethod
    def from_vars(cls, name, host_vars):
        """Build from an inventory host's variables (hostvars[name] or a plain dict)."""
        host_vars = host_vars or {}
        return cls(
            name=host_vars.get("inventory_hostname", name),
            groups=host_vars.get("group_names", []),
            addresses=host_vars.get("multihomed_addresses") or {},
            interfaces=host_vars.get("multihomed_interfaces") or {},
        )


def _require_netaddr():
    if not HAS_NETADDR:
        raise ModelError(["the Python library 'netaddr' is required on the controller (pip install netaddr)"])


def _ip(value):
    try:
        return netaddr.IPAddress(str(value).strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def _net(value):
    text = str(value).strip()
    if "/" not in text:
        return None
    try:
        net = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
    return net


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(errors, name, field, value, low, high):
    """value when it is an integer in [low, high], else None (and an error naming the field)."""
    if value is None:
        return None
    if not _is_int(value) or not low <= value <= high:
        errors.add(name, field, "must be an integer from %d to %d, got %r" % (low, high, value))
        return None
    return value


def _usable(ip, net):
    """True when ip is inside net and is neither its network nor its broadcast address (IPv4, prefix < 31)."""
    if ip not in net:
        return False
    if net.version == 4 and net.prefixlen < 31:
        return ip != net.network and ip != net.broadcast
    return True


def _check_ip_in(errors, name, field, value, net, host=None):
    """Validate that value is a usable address of net; return the IPAddress or None."""
    ip = _ip(value)
    if ip is None:
        errors.add(name, field, "%r is not an IP address" % (value,), host)
        return None
    if net is None:
        return ip
    if ip not in net:
        errors.add(name, field, "%s is outside cidr %s" % (ip, net.cidr), host)
        return None
    if not _usable(ip, net):
        kind = "network" if ip == net.network else "broadcast"
        errors.add(name, field, "%s is the %s address of %s" % (ip, kind, net.cidr), host)
        return None
    return ip


def _is_default_dst(dst):
    net = _net(dst) if dst not in ("default", "0.0.0.0/0", "::/0") else None
    return dst in ("default", "0.0.0.0/0", "::/0") or (net is not None and net.prefixlen == 0)


def _normalize_routes(errors, name, field, routes, net, via_key="via", dst_key="to"):
    out = []
    if routes is None:
        return out
    if not isinstance(routes, list):
        errors.add(name, field, "must be a list of routes")
        return out
    for i, route in enumerate(routes):
        f = "%s[%d]" % (field, i)
        if not isinstance(route, dict) or dst_key not in route:
            errors.add(name, f, "must be a mapping with '%s'" % dst_key)
            continue
        dst = str(route[dst_key])
        if dst != "default" and _net(dst) is None:
            errors.add(name, f + "." + dst_key, "%r is not a CIDR (or 'default')" % dst)
            continue
        item = {dst_key: "0.0.0.0/0" if dst == "default" else str(_net(dst).cidr)}
        if route.get(via_key) is not None:
            via = _check_ip_in(errors, name, f + "." + via_key, route[via_key], net)
            if via is None:
                continue
            item[via_key] = str(via)
        if route.get("metric") is not None:
            if not _is_int(route["metric"]) or route["metric"] < 0:
                errors.add(name, f + ".metric", "must be a non-negative integer, got %r" % (route["metric"],))
                continue
            item["metric"] = route["metric"]
        out.append(item)
    return out


def _normalize_ipam(errors, name, purpose, ipam, net):
    field = "attachment.ipam"
    if ipam is None:
        ipam = {"type": "host-local"}
    if not isinstance(ipam, dict):
        errors.add(name, field, "must be a mapping with a 'type'")
        return None
    itype = ipam.get("type")
    if itype not in IPAM_TYPES:
        errors.add(name, field + ".type", "%r is not one of %s" % (itype, ", ".join(IPAM_TYPES)))
        return None
    unknown = sorted(set(ipam) - set(IPAM_FIELDS[itype]))
    if unknown:
        errors.add(name, field, "has unknown field(s) %s for type %s (allowed: %s)"
                   % (", ".join(unknown), itype, ", ".join(IPAM_FIELDS[itype])))
    out = {"type": itype}
    routes = _normalize_routes(errors, name, field + ".routes", ipam.get("routes"), net, via_key="gw", dst_key="dst")
    if itype in ("host-local", "whereabouts"):
        key = "subnet" if itype == "host-local" else "range"
        subnet = net
        if ipam.get(key) is not None:
            subnet = _net(ipam[key])
            if subnet is None:
                errors.add(name, field + "." + key, "%r is not a CIDR" % (ipam[key],))
                return None
            if net is not None and subnet not in net and subnet != net:
                errors.add(name, field + "." + key, "%s is outside cidr %s" % (subnet.cidr, net.cidr))
                return None
        if subnet is None:
            return None
        out[key] = str(subnet.cidr)
        start = end = None
        if ipam.get("range_start") is not None:
            start = _check_ip_in(errors, name, field + ".range_start", ipam["range_start"], subnet)
            if start is not None:
                out["range_start"] = str(start)
        if ipam.get("range_end") is not None:
            end = _check_ip_in(errors, name, field + ".range_end", ipam["range_end"], subnet)
            if end is not None:
                out["range_end"] = str(end)
        if start is not None and end is not None and start > end:
            errors.add(name, field + ".range_start", "%s is after range_end %s" % (start, end))
        if ipam.get("gateway") is not None:
            gw = _check_ip_in(errors, name, field + ".gateway", ipam["gateway"], subnet)
            if gw is not None:
                out["gateway"] = str(gw)
        if itype == "whereabouts" and ipam.get("exclude") is not None:
            excl = []
            for i, item in enumerate(ipam["exclude"] or []):
                ex = _net(item) or (_ip(item) and netaddr.IPNetwork(str(item)))
                if not ex:
                    errors.add(name, "%s.exclude[%d]" % (field, i), "%r is not a CIDR or address" % (item,))
                    continue
                excl.append(str(ex.cidr))
            out["exclude"] = excl
    elif itype == "static":
        addresses = ipam.get("addresses")
        if not isinstance(addresses, list) or not addresses:
            errors.add(name, field + ".addresses", "must be a non-empty list of {address: IP/prefix, gateway}")
            return None
        out["addresses"] = []
        for i, item in enumerate(addresses):
            f = "%s.addresses[%d]" % (field, i)
            if isinstance(item, str):
                item = {"address": item}
            if not isinstance(item, dict) or "address" not in item:
                errors.add(name, f, "must be a mapping with 'address'")
                continue
            text = str(item["address"])
            iface = _net(text) if "/" in text else None
            if iface is None:
                errors.add(name, f + ".address", "%r must be an address with a prefix length (IP/prefix)" % text)
                continue
            if net is not None:
                if _check_ip_in(errors, name, f + ".address", iface.ip, net) is None:
                    continue
                if iface.prefixlen != net.prefixlen:
                    errors.add(name, f + ".address", "prefix /%d differs from cidr %s" % (iface.prefixlen, net.cidr))
                    continue
            entry = {"address": "%s/%d" % (iface.ip, iface.prefixlen)}
            if item.get("gateway") is not None:
                gw = _check_ip_in(errors, name, f + ".gateway", item["gateway"], net)
                if gw is not None:
                    entry["gateway"] = str(gw)
            out["addresses"].append(entry)
    if routes:
        out["routes"] = routes
    if purpose == "storage" and any(_is_default_dst(r["dst"]) for r in routes):
        errors.add(name, field + ".routes", "carries a default route (0.0.0.0/0) on a storage network: it would "
                   "steer all pod traffic, and Longhorn replication breaks; remove it")
    return out


def _normalize_attachment(errors, name, network, att):
    if not isinstance(att, dict):
        errors.add(name, "attachment", "must be a mapping")
        return None
    unknown = sorted(set(att) - set(ATTACHMENT_FIELDS))
    if unknown:
        errors.add(name, "attachment", "has unknown field(s) %s (allowed: %s)"
                   % (", ".join(unknown), ", ".join(ATTACHMENT_FIELDS)))
    out = {}
    nad_name = att.get("name", name)
    if not isinstance(nad_name, str) or len(nad_name) > 63 or not _DNS1123_LABEL.match(nad_name):
        errors.add(name, "attachment.name", "%r is not a DNS-1123 label (lower case a-z, 0-9 and '-', "
                   "starting and ending with a letter or digit, at most 63 characters)" % (nad_name,))
    out["name"] = nad_name
    namespace = att.get("namespace", DEFAULT_NAD_NAMESPACE)
    if not isinstance(namespace, str) or len(namespace) > 63 or not _DNS1123_LABEL.match(namespace):
        errors.add(name, "attachment.namespace", "%r is not a DNS-1123 label" % (namespace,))
    out["namespace"] = namespace
    atype = att.get("type", "macvlan")
    if atype not in ATTACHMENT_TYPES:
        errors.add(name, "attachment.type", "%r is not one of %s" % (atype, ", ".join(ATTACHMENT_TYPES)))
        return None
    out["type"] = atype
    if atype in MODES:
        mode = att.get("mode", DEFAULT_MODE[atype])
        if mode not in MODES[atype]:
            errors.add(name, "attachment.mode", "%r is not a %s mode (one of %s)"
                       % (mode, atype, ", ".join(MODES[atype])))
        out["mode"] = mode
        out["master"] = att.get("master") or network["device"]
        if out["master"] is None:
            errors.add(name, "attachment.master", "is needed: the network has no interface or parent to default to")
    elif att.get("mode") is not None:
        errors.add(name, "attachment.mode", "is not used by type %s" % atype)
    if atype == "bridge":
        out["bridge"] = att.get("bridge") or ("br-" + name)[:15]
        if not _IFNAME.match(out["bridge"]):
            errors.add(name, "attachment.bridge", "%r is not a valid Linux interface name" % (out["bridge"],))
    if atype == "host-device":
        if not att.get("device"):
            errors.add(name, "attachment.device", "is required for type host-device: the whole device moves "
                       "into the pod, so name a spare one (never the host's own %s)" % network["device"])
        else:
            out["device"] = att["device"]
    mtu = _int_in(errors, name, "attachment.mtu", att.get("mtu", network.get("mtu")), 576, 9216)
    if mtu is not None:
        out["mtu"] = mtu
    cni_version = str(att.get("cni_version", DEFAULT_CNI_VERSION))
    if cni_version not in CNI_VERSIONS:
        errors.add(name, "attachment.cni_version", "%r is not supported (one of %s)"
                   % (cni_version, ", ".join(CNI_VERSIONS)))
    out["cni_version"] = cni_version
    out["ipam"] = _normalize_ipam(errors, name, network["purpose"], att.get("ipam"), network["net"])
    return out


def normalize_networks(networks):
    """Validate network-level fields of ``multihomed_networks``; return name -> normalized network dict.

    Raises ModelError listing every problem.
    """
    _require_netaddr()
    errors = _Errors()
    if not isinstance(networks, dict) or not networks:
        raise ModelError(["multihomed_networks must be a non-empty mapping of network name -> definition"])
    out = {}
    for name, spec in networks.items():
        if not isinstance(spec, dict):
            errors.add(name, None, "definition must be a mapping")
            continue
        unknown = sorted(set(spec) - set(NETWORK_FIELDS))
        if unknown:
            errors.add(name, None, "unknown field(s) %s (allowed: %s)" % (", ".join(unknown), ", ".join(NETWORK_FIELDS)))
        n = {"name": name}
        net = _net(spec.get("cidr")) if spec.get("cidr") is not None else None
        if spec.get("cidr") is None:
            errors.add(name, "cidr", "is required (e.g. 172.16.40.0/24)")
        elif net is None:
            errors.add(name, "cidr", "%r is not a CIDR (address/prefix)" % (spec.get("cidr"),))
        elif net.ip != net.network:
            errors.add(name, "cidr", "%s has host bits set; did you mean %s?" % (spec["cidr"], net.cidr))
            net = None
        n["net"] = net
        n["cidr"] = str(net.cidr) if net is not None else None
        vlan = n["vlan"] = _int_in(errors, name, "vlan", spec.get("vlan"), 1, 4094)
        purpose = spec.get("purpose", "other")
        if purpose not in PURPOSES:
            errors.add(name, "purpose", "%r is not one of %s" % (purpose, ", ".join(PURPOSES)))
        n["purpose"] = purpose
        groups = spec.get("groups")
        if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
            errors.add(name, "groups", "must be a non-empty list of inventory group names, got %r" % (groups,))
            groups = []
        n["groups"] = groups
        parent = spec.get("parent")
        interface = spec.get("interface")
        if parent is not None:
            if vlan is None:
                errors.add(name, "parent", "needs 'vlan': the sub-interface is <parent>.<vlan>")
            if not isinstance(parent, str) or not _IFNAME.match(parent):
                errors.add(name, "parent", "%r is not a valid Linux interface name" % (parent,))
        elif interface is None:
            errors.add(name, "interface", "is required (or 'parent' with 'vlan' for a VLAN sub-interface)")
        if interface is not None and (not isinstance(interface, str) or not _IFNAME.match(interface)):
            errors.add(name, "interface", "%r is not a valid Linux interface name (1-15 characters, no '/', "
                       "':' or spaces)" % (interface,))
        n["parent"] = parent
        n["interface"] = interface
        n["device"] = "%s.%s" % (parent, vlan) if parent else interface
        if n["device"] and len(n["device"]) > 15:
            errors.add(name, "parent", "sub-interface name %r is longer than 15 characters" % n["device"])
        gateway = None
        if spec.get("gateway") is not None:
            gw = _check_ip_in(errors, name, "gateway", spec["gateway"], net)
            gateway = str(gw) if gw is not None else None
        n["gateway"] = gateway
        n["mtu"] = _int_in(errors, name, "mtu", spec.get("mtu"), 576, 9216)
        addressing = spec.get("addressing", "static")
        if addressing not in ADDRESSING:
            errors.add(name, "addressing", "%r is not one of %s" % (addressing, ", ".join(ADDRESSING)))
        n["addressing"] = addressing
        default_route = spec.get("default_route")
        if default_route is not None and not isinstance(default_route, bool):
            errors.add(name, "default_route", "must be true or false, got %r" % (default_route,))
            default_route = None
        if default_route is None:
            default_route = purpose == "cluster" and (gateway is not None or addressing == "dhcp")
        elif default_route and gateway is None and addressing == "static":
            errors.add(name, "default_route", "is true but the network has no gateway")
        n["default_route"] = default_route
        n["routes"] = _normalize_routes(errors, name, "routes", spec.get("routes"), net)
        if any(_is_default_dst(r["to"]) for r in n["routes"]):
            errors.add(name, "routes", "holds a default route: set 'default_route: true' and 'gateway' instead, so "
                       "that the one-default-route rule can be checked")
        n["description"] = spec.get("description")
        n["attachment"] = None
        if spec.get("attachment") is not None:
            n["attachment"] = _normalize_attachment(errors, name, n, spec["attachment"])
        out[name] = n

    cluster = [k for k, v in out.items() if v["purpose"] == "cluster"]
    if len(cluster) != 1:
        errors.add(None, None, "exactly one network must have purpose 'cluster' (the node-to-node network that "
                   "carries node-ip, etcd and the CNI), found %d%s"
                   % (len(cluster), (": " + ", ".join(cluster)) if cluster else ""))
    names = list(out)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            na, nb = out[a]["net"], out[b]["net"]
            if na is not None and nb is not None and (na in nb or nb in na or na.first <= nb.last and nb.first <= na.last):
                errors.add(a, "cidr", "%s overlaps network '%s' (%s)" % (na.cidr, b, nb.cidr))
    seen = {}
    for name, n in out.items():
        att = n.get("attachment")
        if att:
            key = (att["namespace"], att["name"])
            if key in seen:
                errors.add(name, "attachment.name", "%s/%s is also the attachment of network '%s'"
                           % (att["namespace"], att["name"], seen[key]))
            seen[key] = name
    errors.raise_if_any()
    return out


def cluster_network(model):
    for n in model.values():
        if n["purpose"] == "cluster":
            return n
    raise ModelError(["model: no network has purpose 'cluster'"])  # pragma: no cover - normalize checks it


def _interface_override(errors, network, host):
    value = host.interfaces.get(network["name"])
    if value is None:
        return None, None
    if isinstance(value, str):
        name, mac = value, None
    elif isinstance(value, dict):
        name, mac = value.get("name"), value.get("mac")
    else:
        errors.add(network["name"], "multihomed_interfaces", "must be a device name or {name, mac}", host.name)
        return None, None
    if name is not None and not _IFNAME.match(str(name)):
        errors.add(network["name"], "multihomed_interfaces", "%r is not a valid Linux interface name" % (name,),
                   host.name)
        name = None
    if mac is not None and not _MAC.match(str(mac)):
        errors.add(network["name"], "multihomed_interfaces.mac", "%r is not a MAC address" % (mac,), host.name)
        mac = None
    return name, (str(mac).lower() if mac else None)


def _host_entries(model, host, errors, used_addresses=None):
    """One host's NIC plan, checking its own variables; records static addresses in used_addresses."""
    plan = []
    host_groups = set(host.groups)
    known = set(model)
    for key in sorted(set(host.addresses) - known):
        errors.add(key, "multihomed_addresses", "names a network that is not in multihomed_networks", host.name)
    for key in sorted(set(host.interfaces) - known):
        errors.add(key, "multihomed_interfaces", "names a network that is not in multihomed_networks", host.name)
    devices = {}
    for name, n in model.items():
        if not host_groups.intersection(n["groups"]):
            if name in host.addresses:
                errors.add(name, "multihomed_addresses", "is set but the host is in none of the network's groups "
                           "(%s)" % ", ".join(n["groups"]), host.name)
            continue
        override, mac = _interface_override(errors, n, host)
        if n["parent"]:
            parent = override or n["parent"]
            device = "%s.%s" % (parent, n["vlan"])
        else:
            parent = None
            device = override or n["interface"]
        if device in devices:
            errors.add(name, "interface", "device %s is also used by network '%s'" % (device, devices[device]),
                       host.name)
        devices[device] = name
        entry = {
            "network": name, "purpose": n["purpose"], "device": device, "parent": parent, "vlan": n["vlan"],
            "mac": mac, "cidr": n["cidr"], "gateway": n["gateway"], "mtu": n["mtu"],
            "default_route": n["default_route"], "routes": n["routes"],
        }
        value = host.addresses.get(name)
        if value is None or value == "dhcp":
            if n["addressing"] == "static":
                errors.add(name, "multihomed_addresses", "is missing: network '%s' is static-only (addressing: "
                           "static); give this host an address in %s, or set addressing: dhcp|mixed"
                           % (name, n["cidr"]) if value is None else
                           "is 'dhcp' but network '%s' is static-only (addressing: static)" % name, host.name)
                continue
            entry.update(dhcp=True, address=None, prefix=None)
        else:
            if n["addressing"] == "dhcp":
                errors.add(name, "multihomed_addresses", "is %s but network '%s' is DHCP-only (addressing: dhcp); "
                           "drop the address or set addressing: mixed" % (value, name), host.name)
                continue
            text = str(value)
            if "/" in text:
                iface = _net(text)
                if iface is None:
                    errors.add(name, "multihomed_addresses", "%r is not an IP address" % (value,), host.name)
                    continue
                if n["net"] is not None and iface.prefixlen != n["net"].prefixlen:
                    errors.add(name, "multihomed_addresses", "%s has prefix /%d but cidr is %s"
                               % (text, iface.prefixlen, n["cidr"]), host.name)
                    continue
                text = str(iface.ip)
            ip = _check_ip_in(errors, name, "multihomed_addresses", text, n["net"], host.name)
            if ip is None:
                continue
            if n["gateway"] is not None and str(ip) == n["gateway"]:
                errors.add(name, "multihomed_addresses", "%s is the network's gateway" % ip, host.name)
                continue
            if used_addresses is not None:
                other = used_addresses.get(ip)
                if other is not None:
                    errors.add(name, "multihomed_addresses", "%s is also the address of host '%s'" % (ip, other),
                               host.name)
                else:
                    used_addresses[ip] = host.name
            entry.update(dhcp=False, address=str(ip), prefix=n["net"].prefixlen if n["net"] is not None else None)
        plan.append(entry)
    defaults = [e["network"] for e in plan if e["default_route"]]
    if len(defaults) > 1:
        errors.add(defaults[1], "default_route", "would be a second default route on this host (also on %s); "
                   "only one network may carry the default route" % ", ".join("'%s'" % d for d in defaults[:1]),
                   host.name)
    return plan


def host_networks(networks, host):
    """NIC plan (list of dicts, model order) for one host (HostInfo)."""
    model = networks if _is_normalized(networks) else normalize_networks(networks)
    errors = _Errors()
    plan = _host_entries(model, host, errors)
    errors.raise_if_any()
    return plan


def _is_normalized(networks):
    return isinstance(networks, dict) and all(isinstance(v, dict) and "net" in v for v in networks.values()) \
        and bool(networks)


def validate(networks, hosts):
    """Validate the whole model against every host; return a report.

    ``hosts`` is a list of HostInfo. The report holds ``plans`` (host -> NIC plan), ``warnings`` and
    ``multus`` (which optional Multus components the attachments need).
    """
    model = normalize_networks(networks)
    errors = _Errors()
    used = {}
    plans = {}
    for host in hosts:
        plans[host.name] = _host_entries(model, host, errors, used)
    for name, n in model.items():
        members = [h for h in hosts if set(h.groups).intersection(n["groups"])]
        if hosts and not members:
            errors.add(name, "groups", "no inventory host is in any of %s" % ", ".join(n["groups"]))
        att = n["attachment"]
        if att and att["type"] in ("macvlan", "ipvlan") and not _explicit_master(networks, name):
            devices = sorted(set(e["device"] for h in members for e in plans.get(h.name, []) if e["network"] == name))
            if len(devices) > 1:
                errors.add(name, "attachment.master", "is ambiguous: the network's device differs between hosts "
                           "(%s) but a NetworkAttachmentDefinition has one master; rename the NICs or set "
                           "attachment.master" % ", ".join(devices))
    errors.raise_if_any()
    return {
        "networks": sorted(model),
        "cluster_network": cluster_network(model)["name"],
        "plans": plans,
        "warnings": warnings(model),
        "multus": multus_requirements(model),
    }


def _explicit_master(networks, name):
    spec = networks.get(name) if isinstance(networks, dict) else None
    return bool(spec and isinstance(spec.get("attachment"), dict) and spec["attachment"].get("master"))


def warnings(model):
    out = []
    for name, n in model.items():
        att = n["attachment"]
        if att and att["ipam"] and att["ipam"]["type"] == "dhcp":
            out.append("network '%s': attachment.ipam.type dhcp needs the CNI DHCP daemon on every node and a DHCP "
                       "server on the segment; rke2-multus dhcpDaemonSet is enabled for it" % name)
        if att and att["ipam"] and att["ipam"]["type"] == "host-local":
            out.append("network '%s': attachment.ipam.type host-local allocates per node: give each node a "
                       "disjoint range (or use whereabouts) if pods on different nodes share the segment" % name)
    return out


def multus_requirements(model):
    types = set(n["attachment"]["ipam"]["type"] for n in model.values()
                if n["attachment"] and n["attachment"]["ipam"])
    return {"dhcp_daemon": "dhcp" in types, "whereabouts": "whereabouts" in types}


def node_ip(networks, host, facts=None):
    """The host's address on the cluster network (from the model, or from facts when it uses DHCP)."""
    model = networks if _is_normalized(networks) else normalize_networks(networks)
    cluster = cluster_network(model)
    for entry in host_networks(model, host):
        if entry["network"] != cluster["name"]:
            continue
        if not entry["dhcp"]:
            return entry["address"]
        dev = (facts or {}).get(entry["device"].replace(".", "_").replace("-", "_")) or {}
        addr = (dev.get("ipv4") or {}).get("address")
        if addr:
            return addr
        raise ModelError(["network '%s', host '%s': multihomed_addresses uses DHCP on the cluster network, so "
                          "node-ip is only known from gathered facts of %s, which have no IPv4 address; give the "
                          "host a static address (recommended for RKE2)" % (cluster["name"], host.name,
                                                                            entry["device"])])
    raise ModelError(["network '%s', host '%s': groups: the host is in none of the cluster network's groups (%s)"
                      % (cluster["name"], host.name, ", ".join(cluster["groups"]))])


def canal_values(networks, hosts, backend="vxlan", autodetect="cidr"):
    """rke2-canal HelmChartConfig values that pin flannel and calico to the cluster network on every node."""
    model = normalize_networks(networks)
    errors = _Errors()
    if backend not in FLANNEL_BACKENDS:
        errors.add(None, "backend", "%r is not a flannel backend (one of %s)" % (backend, ", ".join(FLANNEL_BACKENDS)))
    if autodetect not in AUTODETECT_METHODS:
        errors.add(None, "autodetect", "%r is not one of %s" % (autodetect, ", ".join(AUTODETECT_METHODS)))
    cluster = cluster_network(model)
    devices = set()
    for host in hosts:
        for entry in _host_entries(model, host, errors):
            if entry["network"] == cluster["name"]:
                devices.add(entry["device"])
    if not devices and not errors.items:
        errors.add(cluster["name"], "groups", "no host is on the cluster network")
    errors.raise_if_any()
    devices = sorted(devices)
    flannel = {"backend": backend}
    regex = "^(%s)$" % "|".join(re.escape(d) for d in devices)
    if len(devices) == 1:
        flannel["iface"] = devices[0]
    else:
        flannel["regexIface"] = regex
    if autodetect == "cidr":
        method = "cidr=%s" % cluster["cidr"]
    else:
        method = "interface=%s" % (regex if len(devices) > 1 else "^%s$" % re.escape(devices[0]))
    values = {"flannel": flannel, "calico": {"ipAutoDetectionMethod": method}}
    return values


def cni_config(networks, name):
    """CNI config (dict) of the attachment of network ``name``."""
    model = networks if _is_normalized(networks) else normalize_networks(networks)
    if name not in model:
        raise ModelError(["network '%s': not in multihomed_networks (known: %s)" % (name, ", ".join(sorted(model)))])
    att = model[name]["attachment"]
    if not att:
        raise ModelError(["network '%s': attachment is not set, so it has no CNI config" % name])
    return _render_cni(att)


def _render_ipam(ipam):
    itype = ipam["type"]
    out = {"type": itype}
    if itype == "host-local":
        rng = {"subnet": ipam["subnet"]}
        for src, dst in (("range_start", "rangeStart"), ("range_end", "rangeEnd"), ("gateway", "gateway")):
            if src in ipam:
                rng[dst] = ipam[src]
        out["ranges"] = [[rng]]
    elif itype == "whereabouts":
        out["range"] = ipam["range"]
        for src in ("range_start", "range_end", "exclude", "gateway"):
            if src in ipam:
                out[src] = ipam[src]
    elif itype == "static":
        out["addresses"] = [dict(a) for a in ipam["addresses"]]
    if ipam.get("routes"):
        out["routes"] = [dict(r) for r in ipam["routes"]]
    return out


def _render_cni(att):
    conf = {"cniVersion": att["cni_version"], "name": att["name"], "type": att["type"]}
    if att["type"] in ("macvlan", "ipvlan"):
        conf["master"] = att["master"]
        conf["mode"] = att["mode"]
    elif att["type"] == "bridge":
        conf["bridge"] = att["bridge"]
    elif att["type"] == "host-device":
        conf["device"] = att["device"]
    if att.get("mtu") is not None and att["type"] != "host-device":
        conf["mtu"] = att["mtu"]
    if att["ipam"]:
        conf["ipam"] = _render_ipam(att["ipam"])
    return conf


def nad_manifest(att, config=None):
    return {
        "apiVersion": NAD_API_VERSION,
        "kind": "NetworkAttachmentDefinition",
        "metadata": {
            "name": att["name"],
            "namespace": att["namespace"],
            "labels": {MANAGED_LABEL: MANAGED_VALUE},
        },
        "spec": {"config": json.dumps(config if config is not None else _render_cni(att), separators=(",", ":"))},
    }


def nad_manifests(networks):
    """NetworkAttachmentDefinition objects for every network that has an attachment (model order)."""
    model = normalize_networks(networks)
    return [nad_manifest(n["attachment"]) for n in model.values() if n["attachment"]]


def network_selection(items, namespace=None):
    """Value of the k8s.v1.cni.cncf.io/networks annotation for a list of attachments.

    Items are names ("macvlan-conf", "ns/name", "name@net2") or mappings with name and optional namespace,
    interface, ips, mac, default_route. The short comma form is returned when no item needs more than name,
    namespace and interface; otherwise the JSON form.
    """
    if isinstance(items, (str, dict)):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ModelError(["network_selection: input must be a non-empty list of attachment names or mappings"])
    errors = _Errors()
    parsed = []
    for i, item in enumerate(items):
        field = "item[%d]" % i
        if isinstance(item, str):
            text = item.strip()
            iface = None
            if "@" in text:
                text, iface = text.split("@", 1)
            ns, dummy, nad = text.rpartition("/")
            item = {"name": nad, "namespace": ns or None, "interface": iface}
        if not isinstance(item, dict) or not item.get("name"):
            errors.add(None, field, "must be a name or a mapping with 'name'")
            continue
        unknown = sorted(set(item) - {"name", "namespace", "interface", "ips", "mac", "default_route"})
        if unknown:
            errors.add(None, field, "has unknown field(s) %s" % ", ".join(unknown))
        sel = {"name": str(item["name"])}
        if not _DNS1123_LABEL.match(sel["name"]):
            errors.add(None, field + ".name", "%r is not a DNS-1123 label" % sel["name"])
        ns = item.get("namespace") or namespace
        if ns:
            sel["namespace"] = str(ns)
        if item.get("interface"):
            if not _IFNAME.match(str(item["interface"])):
                errors.add(None, field + ".interface", "%r is not a valid interface name" % item["interface"])
            sel["interface"] = str(item["interface"])
        if item.get("ips"):
            ips = item["ips"] if isinstance(item["ips"], list) else [item["ips"]]
            for ip in ips:
                if _net(ip) is None and _ip(ip) is None:
                    errors.add(None, field + ".ips", "%r is not an IP address (with optional /prefix)" % (ip,))
            sel["ips"] = [str(ip) for ip in ips]
        if item.get("mac"):
            if not _MAC.match(str(item["mac"])):
                errors.add(None, field + ".mac", "%r is not a MAC address" % (item["mac"],))
            sel["mac"] = str(item["mac"])
        if item.get("default_route"):
            gws = item["default_route"] if isinstance(item["default_route"], list) else [item["default_route"]]
            for gw in gws:
                if _ip(gw) is None:
                    errors.add(None, field + ".default_route", "%r is not a gateway IP address" % (gw,))
            sel["default-route"] = [str(g) for g in gws]
        parsed.append(sel)
    errors.raise_if_any()
    if all(set(s) <= {"name", "namespace", "interface"} for s in parsed):
        return ",".join(
            ("%s/" % s["namespace"] if "namespace" in s else "") + s["name"]
            + ("@%s" % s["interface"] if "interface" in s else "")
            for s in parsed
        )
    return json.dumps(parsed, separators=(",", ":"))


def attached_host_names(networks, groups):
    """Names of the hosts in any group a network lists (sorted by group, then inventory order, each once)."""
    wanted = set()
    for spec in (networks.values() if isinstance(networks, dict) else []):
        if isinstance(spec, dict):
            wanted.update(spec.get("groups") or [])
    names, seen = [], set()
    for group in sorted(wanted):
        for host in groups.get(group) or []:
            if host not in seen:
                seen.add(host)
                names.append(host)
    return names


def multus_values(networks):
    """rke2-multus values (keys checked against rancher/rke2-charts packages/rke2-multus values.yaml)."""
    model = networks if _is_normalized(networks) else normalize_networks(networks)
    need = multus_requirements(model)
    return {"manifests": {"dhcpDaemonSet": need["dhcp_daemon"]}, "rke2-whereabouts": {"enabled": need["whereabouts"]}}
