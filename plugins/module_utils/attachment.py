# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A network's ``attachment``: how pods join the network through Multus (CNI plugin and IPAM), as types.

:func:`load_attachment` checks the fields against what the CNI plugins (containernetworking/plugins) and
whereabouts accept and returns an :class:`Attachment`, recording whether ``master`` was given (provenance: the
whole-model step refuses a default master that differs between hosts, but not an explicit one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.multihomed.rke2.plugins.module_utils import checks
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import check_ip_in, int_in, load_routes, where

ATTACHMENT_FIELDS = (
    "name", "namespace", "type", "mode", "master", "bridge", "device", "mtu", "ipam", "cni_version", "capabilities",
    "host_shim",
)
CAPABILITIES = ("ips", "mac")
DEFAULT_MODE = {"macvlan": "bridge", "ipvlan": "l2"}
DEFAULT_CNI_VERSION = "0.3.1"
IPAM_FIELDS = {
    "host-local": ("type", "subnet", "range_start", "range_end", "gateway", "routes"),
    "static": ("type", "addresses", "routes"),
    "dhcp": ("type",),
    "whereabouts": ("type", "range", "range_start", "range_end", "exclude", "gateway", "routes"),
}
# The IPv6 side of a dual-stack network's pool (host-local: a second range set; whereabouts: ipRanges).
IPAM_FIELDS6 = {
    "host-local": ("subnet6", "range_start6", "range_end6", "gateway6"),
    "whereabouts": ("range6", "range_start6", "range_end6"),
}


@dataclass
class Ipam:
    """The IPAM of an attachment; ``fields`` holds the normalized keys of its type (model names, in order)."""

    type: str
    fields: dict = field(default_factory=dict)
    defaulted: bool = False  # the model chose the type (no ipam given): whereabouts, cluster-wide

    @property
    def routes(self):
        return self.fields.get("routes", [])

    def as_dict(self):
        return {"type": self.type, **self.fields}


@dataclass
class Attachment:
    name: str
    namespace: str
    type: str
    cni_version: str
    mode: Optional[str] = None
    master: Optional[str] = None
    master_explicit: bool = False
    bridge: Optional[str] = None
    device: Optional[str] = None
    mtu: Optional[int] = None
    ipam: Optional[Ipam] = None
    capabilities: Optional[dict] = None  # None: what the plugin and IPAM honour (k8s_render.capabilities)
    host_shim: Optional[str] = None  # macvlan: the host's own macvlan (mh-<network>) that takes the host's address


def _host_device(problems, network, atype, att, out):
    """bridge: the host bridge (br-<network>) that takes the host's address; macvlan ``host_shim``: the host's own
    macvlan, so the node reaches its pods (a macvlan cannot talk to its parent: kernel macvlan, bridge mode only
    forwards between macvlans of one parent). Both move the host's address off the NIC, so neither fits the cluster
    network (node-ip, the primary CNI's interface)."""
    name = network.name
    if atype == "bridge":
        out.bridge = att.get("bridge") or f"br-{name}"[:15]
        if not checks.is_ifname(out.bridge):
            problems.add(where(name), "attachment.bridge", f"{out.bridge!r} is not a valid Linux interface name")
        if network.purpose == "cluster":
            problems.add(where(name), "attachment.type", "bridge is not supported on the cluster network: the host's "
                         "address would move to the bridge, away from the interface RKE2 and the primary CNI use")
    shim = att.get("host_shim", False)
    if not isinstance(shim, bool):
        problems.add(where(name), "attachment.host_shim", f"must be true or false, got {shim!r}")
    elif shim:
        if atype != "macvlan":
            problems.add(where(name), "attachment.host_shim", f"is only for type macvlan (this is {atype})")
        elif out.mode != "bridge":
            problems.add(where(name), "attachment.host_shim", f"needs mode bridge (this is {out.mode}): only bridge "
                         "mode forwards between the host's macvlan and the pods'")
        elif network.purpose == "cluster":
            problems.add(where(name), "attachment.host_shim", "is not supported on the cluster network: the host's "
                         "address would move to the shim, away from the interface RKE2 and the primary CNI use")
        else:
            out.host_shim = f"mh-{name}"[:15]
            if not checks.is_ifname(out.host_shim):
                problems.add(where(name), "attachment.host_shim", f"the shim's name {out.host_shim!r} (mh-<network>) "
                             "is not a valid Linux interface name: rename the network")


def _subnet_ipam(problems, name, field_, itype, ipam, net, out, suffix=""):
    """host-local ``subnet`` / whereabouts ``range`` with start, end, gateway (``suffix`` 6: the IPv6 side of a
    dual-stack network, ``subnet6``/``range6``...); ``exclude`` is :func:`_excludes`."""
    key = ("subnet" if itype == "host-local" else "range") + suffix
    subnet = net
    if ipam.get(key) is not None:
        subnet = checks.net(ipam[key])
        if subnet is None:
            problems.add(where(name), f"{field_}.{key}", f"{ipam[key]!r} is not a CIDR")
            return False
        if net is not None and subnet.version != net.version:
            problems.add(where(name), f"{field_}.{key}", f"{subnet.cidr} is IPv{subnet.version} but cidr{suffix} "
                         f"{net.cidr} is IPv{net.version}")
            return False
        if net is not None and subnet not in net and subnet != net:
            problems.add(where(name), f"{field_}.{key}", f"{subnet.cidr} is outside cidr {net.cidr}")
            return False
    if subnet is None:
        return False
    out[key] = str(subnet.cidr)
    found = {}
    for key in ("range_start" + suffix, "range_end" + suffix):
        if ipam.get(key) is not None:
            found[key] = check_ip_in(problems, name, f"{field_}.{key}", ipam[key], subnet)
            if found[key] is not None:
                out[key] = str(found[key])
    start, end = found.get("range_start" + suffix), found.get("range_end" + suffix)
    if start is not None and end is not None and start > end:
        problems.add(where(name), f"{field_}.range_start{suffix}", f"{start} is after range_end{suffix} {end}")
    if ipam.get("gateway" + suffix) is not None:
        gw = check_ip_in(problems, name, f"{field_}.gateway{suffix}", ipam["gateway" + suffix], subnet)
        if gw is not None:
            out["gateway" + suffix] = str(gw)
    return True


def _excludes(problems, name, field_, ipam, nets, out):
    """whereabouts ``exclude``: CIDRs or addresses of either family, split per family (``exclude`` for the first
    family's range, ``exclude6`` for the IPv6 range of a dual-stack network)."""
    if ipam.get("exclude") is None:
        return
    first = next(iter(nets.values())).version if nets else None
    out["exclude"] = []
    for i, item in enumerate(ipam["exclude"] or []):
        ex = checks.net(item) or (checks.ip(item) and checks.netaddr.IPNetwork(str(item)))
        if not ex:
            problems.add(where(name), f"{field_}.exclude[{i}]", f"{item!r} is not a CIDR or address")
        elif nets and ex.version not in nets:
            problems.add(where(name, family=ex.version), f"{field_}.exclude[{i}]", f"{ex.cidr} is IPv{ex.version} "
                         f"but the network has no IPv{ex.version} cidr")
        else:
            out.setdefault("exclude" if first is None or ex.version == first else "exclude6", []).append(str(ex.cidr))


def _static_ipam(problems, name, field_, ipam, net, out):
    addresses = ipam.get("addresses")
    if not isinstance(addresses, list) or not addresses:
        problems.add(where(name), f"{field_}.addresses", "must be a non-empty list of {address: IP/prefix, gateway}")
        return False
    out["addresses"] = []
    for i, item in enumerate(addresses):
        f = f"{field_}.addresses[{i}]"
        if isinstance(item, str):
            item = {"address": item}
        if not isinstance(item, dict) or "address" not in item:
            problems.add(where(name), f, "must be a mapping with 'address'")
            continue
        text = str(item["address"])
        iface = checks.net(text) if "/" in text else None
        if iface is None:
            problems.add(where(name), f"{f}.address", f"{text!r} must be an address with a prefix length (IP/prefix)")
            continue
        own = net.get(iface.version, next(iter(net.values()))) if net else None
        if own is not None:
            if check_ip_in(problems, name, f"{f}.address", iface.ip, own) is None:
                continue
            if iface.prefixlen != own.prefixlen:
                problems.add(where(name), f"{f}.address", f"prefix /{iface.prefixlen} differs from cidr {own.cidr}")
                continue
        entry = {"address": f"{iface.ip}/{iface.prefixlen}"}
        if item.get("gateway") is not None:
            gw = check_ip_in(problems, name, f"{f}.gateway", item["gateway"], own)
            if gw is not None:
                entry["gateway"] = str(gw)
        out["addresses"].append(entry)
    return True


def load_ipam(problems, network, ipam):
    """Check ``attachment.ipam`` against the network's families; on a dual-stack network host-local and whereabouts
    get a pool per family (the IPv6 one defaults to cidr6)."""
    name, purpose, net, nets = network.name, network.purpose, network.net, network.nets
    field_ = "attachment.ipam"
    defaulted = ipam is None
    if defaulted:
        ipam = {"type": "whereabouts"}
    if not isinstance(ipam, dict):
        problems.add(where(name), field_, "must be a mapping with a 'type'")
        return None
    itype = ipam.get("type")
    if itype not in checks.IPAM_TYPES:
        problems.add(where(name), f"{field_}.type", checks.one_of(itype, checks.IPAM_TYPES))
        return None
    allowed = IPAM_FIELDS[itype] + (IPAM_FIELDS6.get(itype, ()) if network.dual_stack else ())
    unknown = sorted(set(ipam) - set(allowed))
    if unknown:
        problems.add(where(name), field_, f"has {checks.unknown_fields(unknown, allowed)} for type {itype} "
                     f"(allowed: {', '.join(allowed)})")
    _family_rules(problems, network, itype, ipam)
    out = {}
    routes = load_routes(problems, name, f"{field_}.routes", ipam.get("routes"), nets if net is not None else None,
                         via_key="gw", dst_key="dst")
    if itype in ("host-local", "whereabouts"):
        if not _subnet_ipam(problems, name, field_, itype, ipam, net, out):
            return None
        if network.dual_stack and not _subnet_ipam(problems, name, field_, itype, ipam, network.net6, out, "6"):
            return None
        if itype == "whereabouts":
            _excludes(problems, name, field_, ipam, nets, out)
    elif itype == "static":
        if not _static_ipam(problems, name, field_, ipam, nets, out):
            return None
    if routes:
        out["routes"] = routes
    if purpose == "storage" and any(checks.is_default_dst(r["dst"]) for r in routes):
        problems.add(where(name), f"{field_}.routes", "carries a default route (0.0.0.0/0) on a storage network: "
                     "it would steer all pod traffic, and Longhorn replication breaks; remove it")
    return Ipam(type=itype, fields=out, defaulted=defaulted)


def _family_rules(problems, network, itype, ipam):
    """What the IPAM plugins and Longhorn cannot do with IPv6 (docs/upstream-facts.md sections 1, 6 and 10)."""
    name = network.name
    if itype == "dhcp" and network.family == 6:
        problems.add(where(name, family=6), "attachment.ipam.type", "dhcp is IPv4 only (the CNI dhcp plugin speaks "
                     "DHCPv4, containernetworking/plugins plugins/ipam/dhcp): use whereabouts, host-local or static")
    if itype == "whereabouts" and network.dual_stack and ipam.get("gateway") is not None:
        problems.add(where(name), "attachment.ipam.gateway", "cannot be used on a dual-stack network: whereabouts "
                     "gives its one gateway to every address it allocates, the IPv6 one too (cmd/whereabouts.go); leave it "
                     "out and give routes with gw instead")
    if network.purpose == "storage" and network.dual_stack:
        problems.add(where(name), "attachment", "on a dual-stack storage network would give Longhorn's instance "
                     "managers two addresses, and Longhorn takes the first of the pod's network-status IPs sorted as "
                     "text, of either family (longhorn-manager datastore/kubernetes.go GetIPFromPodByCNISetting): "
                     "give the storage network one family (cidr only)")


def load_attachment(problems, network, att):
    """Check a network's ``attachment`` mapping; return an :class:`Attachment` (None when unusable)."""
    name = network.name
    if not isinstance(att, dict):
        problems.add(where(name), "attachment", "must be a mapping")
        return None
    unknown = sorted(set(att) - set(ATTACHMENT_FIELDS))
    if unknown:
        problems.add(where(name), "attachment", f"has {checks.unknown_fields(unknown, ATTACHMENT_FIELDS)} "
                     f"(allowed: {', '.join(ATTACHMENT_FIELDS)})")
    nad_name = att.get("name", name)
    if not checks.is_dns1123_label(nad_name):
        problems.add(where(name), "attachment.name", f"{nad_name!r} is not a DNS-1123 label (lower case a-z, 0-9 and "
                     "'-', starting and ending with a letter or digit, at most 63 characters)")
    namespace = att.get("namespace", checks.DEFAULT_NAD_NAMESPACE)
    if not checks.is_dns1123_label(namespace):
        problems.add(where(name), "attachment.namespace", f"{namespace!r} is not a DNS-1123 label")
    atype = att.get("type", "macvlan")
    if atype not in checks.ATTACHMENT_TYPES:
        problems.add(where(name), "attachment.type", checks.one_of(atype, checks.ATTACHMENT_TYPES))
        return None
    out = Attachment(name=nad_name, namespace=namespace, type=atype, cni_version=DEFAULT_CNI_VERSION)
    if atype in checks.MODES:
        out.mode = att.get("mode", DEFAULT_MODE[atype])
        if out.mode not in checks.MODES[atype]:
            problems.add(where(name), "attachment.mode", f"{out.mode!r} is not a {atype} mode (one of "
                         f"{', '.join(checks.MODES[atype])})")
        out.master_explicit = bool(att.get("master"))
        out.master = att.get("master") or network.device
        if out.master is None:
            problems.add(where(name), "attachment.master", "is needed: the network has no interface or parent to "
                         "default to")
    elif att.get("mode") is not None:
        problems.add(where(name), "attachment.mode", f"is not used by type {atype}")
    _host_device(problems, network, atype, att, out)
    if atype == "host-device":
        if not att.get("device"):
            problems.add(where(name), "attachment.device", "is required for type host-device: the whole device moves "
                         f"into the pod, so name a spare one (never the host's own {network.device})")
        else:
            out.device = att["device"]
    out.mtu = int_in(problems, name, "attachment.mtu", att.get("mtu", network.mtu), checks.MTU_MIN, checks.MTU_MAX)
    out.cni_version = str(att.get("cni_version", DEFAULT_CNI_VERSION))
    if out.cni_version not in checks.CNI_VERSIONS:
        problems.add(where(name), "attachment.cni_version", f"{out.cni_version!r} is not supported (one of "
                     f"{', '.join(checks.CNI_VERSIONS)})")
    out.ipam = load_ipam(problems, network, att.get("ipam"))
    caps = att.get("capabilities")
    if caps is not None:
        if not isinstance(caps, dict) or set(caps) - set(CAPABILITIES) or \
                not all(isinstance(v, bool) for v in caps.values()):
            problems.add(where(name), "attachment.capabilities", f"must map ips and/or mac to true/false, got {caps!r}")
        else:
            out.capabilities = dict(caps)
    return out
