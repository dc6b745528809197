# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network model as types, and the schema of ``multihomed_networks``.

:func:`load_networks` turns the inventory's ``multihomed_networks`` into :class:`Network` objects, checking every
network-level field and collecting every problem (network, field, what was expected). What a network's attachment
may hold is in ``attachment.py``; what each host makes of the networks is in ``plan.py``; the whole-model step that
ties both together, once per run, is ``report.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.multihomed.rke2.plugins.module_utils import checks
from ansible_collections.multihomed.rke2.plugins.module_utils.attachment import Attachment, load_attachment
from ansible_collections.multihomed.rke2.plugins.module_utils.family import of as family_of
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import (
    ModelError,
    Problems,
    check_ip_in,
    int_in,
    load_routes,
    where,
)

PURPOSES = ("cluster", "storage", "services", "other")
ADDRESSING = ("static", "dhcp", "mixed")
# IPv6 adds slaac (router advertisements only); dhcp is DHCPv6 (with router advertisements for the default route).
ADDRESSING6 = ("static", "dhcp", "slaac", "mixed")
NETWORK_FIELDS = (
    "vlan", "cidr", "gateway", "mtu", "purpose", "groups", "interface", "parent", "addressing",
    "default_route", "routes", "attachment", "description", "reserved",
    "cidr6", "gateway6", "addressing6", "default_route6",
)


@dataclass(frozen=True)
class Route:
    """A host route of a network (netplan ``to``/``via``)."""

    to: str
    via: Optional[str] = None
    metric: Optional[int] = None

    def as_dict(self):
        out = {"to": self.to}
        if self.via is not None:
            out["via"] = self.via
        if self.metric is not None:
            out["metric"] = self.metric
        return out


@dataclass
class Network:
    """One network of the model, normalized. ``net`` is the netaddr network (None when ``cidr`` was invalid)."""

    name: str
    cidr: Optional[str]
    net: object = field(repr=False, compare=False)
    purpose: str = "other"
    groups: list = field(default_factory=list)
    vlan: Optional[int] = None
    interface: Optional[str] = None
    parent: Optional[str] = None
    gateway: Optional[str] = None
    mtu: Optional[int] = None
    addressing: str = "static"
    default_route: bool = False
    routes: list = field(default_factory=list)
    attachment: Optional[Attachment] = None
    description: Optional[str] = None
    reserved: list = field(default_factory=list)
    # The IPv6 side of a dual-stack network (cidr6...); the fields above hold the first family, IPv4 or IPv6.
    cidr6: Optional[str] = None
    net6: object = field(default=None, repr=False, compare=False)
    gateway6: Optional[str] = None
    addressing6: str = "static"
    default_route6: bool = False
    routes6: list = field(default_factory=list)

    @property
    def family(self):
        """4 or 6, the first family (None when the CIDR is invalid)."""
        return self.net.version if self.net is not None else None

    @property
    def nets(self):
        """{family: netaddr network} of every family the network has."""
        out = {self.net.version: self.net} if self.net is not None else {}
        if self.net6 is not None:
            out[6] = self.net6
        return out

    @property
    def dual_stack(self):
        return self.net6 is not None

    @property
    def device(self):
        """The device name the network's definition implies (``<parent>.<vlan>`` for a VLAN sub-interface)."""
        return f"{self.parent}.{self.vlan}" if self.parent else self.interface


@dataclass
class Host:
    """What the model needs to know about one inventory host."""

    name: str
    groups: list = field(default_factory=list)
    addresses: dict = field(default_factory=dict)
    interfaces: dict = field(default_factory=dict)
    addresses6: dict = field(default_factory=dict)  # multihomed_addresses6: the IPv6 side of dual-stack networks

    @classmethod
    def from_vars(cls, name, host_vars):
        """Build from an inventory host's variables (hostvars[name] or a plain dict)."""
        host_vars = host_vars or {}
        return cls(
            name=str(host_vars.get("inventory_hostname", name)),
            groups=list(host_vars.get("group_names") or []),
            addresses=dict(host_vars.get("multihomed_addresses") or {}),
            interfaces=dict(host_vars.get("multihomed_interfaces") or {}),
            addresses6=dict(host_vars.get("multihomed_addresses6") or {}),
        )


def _load_network(problems, name, spec):
    unknown = sorted(set(spec) - set(NETWORK_FIELDS))
    if unknown:
        problems.add(where(name), None, f"{checks.unknown_fields(unknown, NETWORK_FIELDS)} (allowed: "
                     f"{', '.join(NETWORK_FIELDS)})")
    net = checks.net(spec.get("cidr")) if spec.get("cidr") is not None else None
    if spec.get("cidr") is None:
        problems.add(where(name), "cidr", "is required (e.g. 172.16.40.0/24)")
    elif net is None:
        problems.add(where(name), "cidr", f"{spec.get('cidr')!r} is not a CIDR (address/prefix)")
    elif net.ip != net.network:
        problems.add(where(name), "cidr", f"{spec['cidr']} has host bits set; did you mean {net.cidr}?")
        net = None
    n = Network(name=name, cidr=str(net.cidr) if net is not None else None, net=net)
    n.vlan = int_in(problems, name, "vlan", spec.get("vlan"), 1, 4094)
    n.purpose = spec.get("purpose", "other")
    if n.purpose not in PURPOSES:
        problems.add(where(name), "purpose", checks.one_of(n.purpose, PURPOSES))
    groups = spec.get("groups")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
        problems.add(where(name), "groups", f"must be a non-empty list of inventory group names, got {groups!r}")
        groups = []
    n.groups = groups
    n.parent, n.interface = spec.get("parent"), spec.get("interface")
    if n.parent is not None:
        if n.vlan is None:
            problems.add(where(name), "parent", "needs 'vlan': the sub-interface is <parent>.<vlan>")
        if not checks.is_ifname(n.parent):
            problems.add(where(name), "parent", f"{n.parent!r} is not a valid Linux interface name")
    elif n.interface is None:
        problems.add(where(name), "interface", "is required (or 'parent' with 'vlan' for a VLAN sub-interface)")
    if n.interface is not None and not checks.is_ifname(n.interface):
        problems.add(where(name), "interface", f"{n.interface!r} is not a valid Linux interface name (1-15 "
                     "characters, no '/', ':' or spaces)")
    if n.device and len(n.device) > 15:
        problems.add(where(name), "parent", f"sub-interface name {n.device!r} is longer than 15 characters")
    if spec.get("gateway") is not None:
        gw = check_ip_in(problems, name, "gateway", spec["gateway"], net)
        n.gateway = str(gw) if gw is not None else None
    n.mtu = int_in(problems, name, "mtu", spec.get("mtu"), checks.MTU_MIN, checks.MTU_MAX)
    n.addressing = spec.get("addressing", "static")
    allowed = ADDRESSING6 if n.family == 6 else ADDRESSING
    if n.addressing not in allowed:
        problems.add(where(name), "addressing", checks.one_of(n.addressing, allowed))
    n.default_route = _default_route(problems, n, spec, "", n.gateway, n.addressing, n.family)
    _load_family6(problems, n, spec)
    routes = load_routes(problems, name, "routes", spec.get("routes"), n.nets if net is not None else None)
    n.routes = [r for r in routes if not n.dual_stack or family_of(r["to"]) == 4]
    n.routes6 = [r for r in routes if n.dual_stack and family_of(r["to"]) == 6]
    if any(checks.is_default_dst(r["to"]) for r in routes):
        problems.add(where(name), "routes", "holds a default route: set 'default_route: true' and 'gateway' "
                     "instead, so that the one-default-route rule can be checked")
    n.description = spec.get("description")
    n.reserved = _load_reserved(problems, n, spec.get("reserved"))
    if spec.get("attachment") is not None:
        n.attachment = load_attachment(problems, n, spec["attachment"])
    return n


def _default_route(problems, n, spec, suffix, gateway, addressing, family):
    """``default_route`` (or ``default_route6``): given, or true on the cluster network with a gateway or
    addresses from the network (DHCP; for IPv6 DHCPv6 or SLAAC, whose router advertisements carry it)."""
    key = "default_route" + suffix
    value = spec.get(key)
    at = where(n.name, family=family if suffix else None)
    if value is not None and not isinstance(value, bool):
        problems.add(at, key, f"must be true or false, got {value!r}")
        value = None
    auto = ("dhcp", "slaac") if family == 6 else ("dhcp",)
    if value is None:
        return n.purpose == "cluster" and (gateway is not None or addressing in auto)
    if value and gateway is None and addressing == "static":
        problems.add(at, key, f"is true but the network has no gateway{suffix}")
    return value


def _load_family6(problems, n, spec):
    """``cidr6``, ``gateway6``, ``addressing6``, ``default_route6``: the IPv6 side of an IPv4 network."""
    name, at = n.name, where(n.name, family=6)
    given = [k for k in ("cidr6", "gateway6", "addressing6", "default_route6") if spec.get(k) is not None]
    if not given:
        return
    if spec.get("cidr6") is None:
        problems.add(at, given[0], "needs cidr6 (the network's IPv6 CIDR)")
        return
    if n.net is not None and n.net.version == 6:
        problems.add(at, "cidr6", f"is for the IPv6 side of an IPv4 network, but cidr {n.cidr} is already IPv6: "
                     "give an IPv6-only network its CIDR in cidr")
        return
    net6 = checks.net(spec["cidr6"])
    if net6 is None or net6.version != 6:
        problems.add(at, "cidr6", f"{spec['cidr6']!r} is not an IPv6 CIDR (e.g. fd00:40::/64)")
        return
    if net6.ip != net6.network:
        problems.add(at, "cidr6", f"{spec['cidr6']} has host bits set; did you mean {net6.cidr}?")
        return
    n.net6, n.cidr6 = net6, str(net6.cidr)
    if spec.get("gateway6") is not None:
        gw = check_ip_in(problems, name, "gateway6", spec["gateway6"], net6, family=6)
        n.gateway6 = str(gw) if gw is not None else None
    n.addressing6 = spec.get("addressing6", "static")
    if n.addressing6 not in ADDRESSING6:
        problems.add(at, "addressing6", checks.one_of(n.addressing6, ADDRESSING6))
    n.default_route6 = _default_route(problems, n, spec, "6", n.gateway6, n.addressing6, 6)


def _load_reserved(problems, n, reserved):
    """``reserved``: pools the attachments must leave alone (a DHCP server's range...): CIDRs or ``first-last``."""
    out = []
    if reserved is None:
        return out
    if not isinstance(reserved, list):
        problems.add(where(n.name), "reserved", "must be a list of CIDRs or first-last address ranges")
        return out
    for i, item in enumerate(reserved):
        text = str(item).strip()
        if "-" in text:
            first, last = (checks.ip(p) for p in text.split("-", 1))
            if first is None or last is None or first > last:
                problems.add(where(n.name), f"reserved[{i}]", f"{item!r} is not a range first-last of addresses")
                continue
            within = n.nets.get(first.version)
            inside = n.net is None or (within is not None and first in within and last in within)
            text = f"{first}-{last}"
        else:
            pool = checks.net(text) or (checks.ip(text) and checks.netaddr.IPNetwork(text))
            if not pool:
                problems.add(where(n.name), f"reserved[{i}]", f"{item!r} is not a CIDR, address or first-last range")
                continue
            within = n.nets.get(pool.version)
            inside = n.net is None or (within is not None and pool.first >= within.first and pool.last <= within.last)
            text = str(pool.cidr)
        if not inside:
            cidrs = " or ".join(str(c.cidr) for c in n.nets.values())
            problems.add(where(n.name), f"reserved[{i}]", f"{text} is outside cidr {cidrs}")
            continue
        out.append(text)
    return out


def _cross_checks(problems, networks):
    cluster = [k for k, v in networks.items() if v.purpose == "cluster"]
    if len(cluster) != 1:
        problems.add("model", None, "exactly one network must have purpose 'cluster' (the node-to-node network "
                     "that carries node-ip, etcd and the CNI), found %d%s"
                     % (len(cluster), (": " + ", ".join(cluster)) if cluster else ""))
    names = list(networks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for na in networks[a].nets.values():
                for nb in networks[b].nets.values():
                    if na.version == nb.version and na.first <= nb.last and nb.first <= na.last:
                        key = "cidr6" if na is networks[a].net6 else "cidr"
                        problems.add(where(a, family=6 if na.version == 6 and networks[a].dual_stack else None),
                                     key, f"{na.cidr} overlaps network '{b}' ({nb.cidr})")
    seen = {}
    for name, n in networks.items():
        if n.attachment:
            key = (n.attachment.namespace, n.attachment.name)
            if key in seen:
                problems.add(where(name), "attachment.name", f"{key[0]}/{key[1]} is also the attachment of network "
                             f"'{seen[key]}'")
            seen[key] = name


def load_networks(raw, problems=None):
    """``multihomed_networks`` -> name -> :class:`Network` (model order).

    With ``problems`` given, problems are collected there and the caller raises; otherwise ModelError is raised here
    listing every problem.
    """
    checks.require_netaddr()
    if not isinstance(raw, dict) or not raw:
        raise ModelError(["multihomed_networks must be a non-empty mapping of network name -> definition"])
    own = problems is None
    problems = Problems() if own else problems
    networks = {}
    for name, spec in raw.items():
        if not checks.is_network_name(name):
            problems.add(f"network {name!r}", None, "the name must be 1-63 letters, digits, '-' or '_', starting with "
                         "a letter or digit (it names files, NetworkManager profiles and devices on the hosts)")
            continue
        if not isinstance(spec, dict):
            problems.add(where(name), None, "definition must be a mapping")
            continue
        networks[name] = _load_network(problems, name, spec)
    _cross_checks(problems, networks)
    if own:
        problems.raise_if_any()
    return networks


def cluster_network(networks):
    """The one network with purpose cluster."""
    for n in networks.values():
        if n.purpose == "cluster":
            return n
    raise ModelError(["model: no network has purpose 'cluster'"])  # pragma: no cover - load_networks checks it
