# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small rules every part of the collection shares, each in one place.

The error collector (every message names where, which field and what was expected), the name rules of Kubernetes
and Linux, the MTU limits, enum checks and address parsing. Used by the network model and by the
NetworkAttachmentDefinition checks of the ``network_attachment`` module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

try:
    import netaddr

    HAS_NETADDR = True
except ImportError:  # pragma: no cover - reported by require_netaddr()
    HAS_NETADDR = False

# Labels and names written on every object the collection manages.
MANAGED_LABEL = "app.kubernetes.io/managed-by"
MANAGED_VALUE = "multihomed.rke2"
MANAGED_SELECTOR = f"{MANAGED_LABEL}={MANAGED_VALUE}"
NAD_API_VERSION = "k8s.cni.cncf.io/v1"
NAD_KIND = "NetworkAttachmentDefinition"
NETWORKS_ANNOTATION = "k8s.v1.cni.cncf.io/networks"
DEFAULT_NAD_NAMESPACE = "default"

# CNI plugins and IPAM the model renders (containernetworking/plugins, whereabouts).
ATTACHMENT_TYPES = ("macvlan", "ipvlan", "bridge", "host-device")
MODES = {
    "macvlan": ("bridge", "private", "vepa", "passthru"),
    "ipvlan": ("l2", "l3", "l3s"),
}
IPAM_TYPES = ("host-local", "static", "dhcp", "whereabouts")
CNI_VERSIONS = ("0.3.0", "0.3.1", "0.4.0", "1.0.0")
# flannel backends the rke2-canal chart can start. Not ipsec: it needs a PSK the chart cannot pass (flanneld fails;
# docs/upstream-facts.md 4d); cni_charts.REMOVED_BACKENDS says so when it is asked for.
FLANNEL_BACKENDS = ("vxlan", "host-gw", "wireguard")
MTU_MIN, MTU_MAX = 576, 9216

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Linux interface names (the kernel's dev_valid_name: 1-15 characters, no '/', ':' or whitespace, not '.' or '..'),
# narrowed to what survives every place the collection writes one: file names, NetworkManager keyfiles, netplan match
# and flannel's --iface-regex (no glob or regex characters). \Z: '$' would match before a trailing newline.
IFNAME = re.compile(r"^(?!\.{1,2}\Z)[A-Za-z0-9_.-]{1,15}\Z")
# Network names name files (NetworkManager profiles, networkd drop-ins), devices (shims) and keyfile sections.
NETWORK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\Z")
MAC = re.compile(r"^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")


class CollectionError(ValueError):
    """Base of the errors the collection's pure code raises for bad input; filters turn them into filter errors."""


class ModelError(CollectionError):
    """Raised with every problem found; ``errors`` is the list of messages."""

    def __init__(self, errors, title="invalid multihomed network model"):
        self.errors = list(errors)
        super().__init__(f"{title}:\n  - " + "\n  - ".join(self.errors))


class Problems:
    """Collects every problem before raising, so one run reports them all.

    ``add(where, field, message)``: ``where`` is already a phrase ("network 'storage', host 'mh-wrk-1'",
    "NetworkAttachmentDefinition 'ns/name' (definitions[0])"); :func:`where` builds the model's phrase.
    """

    def __init__(self):
        self.items = []

    def add(self, where_, field, message):
        self.items.append(f"{where_}: {field} {message}" if field else f"{where_}: {message}")

    def raise_if_any(self, title="invalid multihomed network model"):
        if self.items:
            raise ModelError(self.items, title)


def where(network=None, host=None, family=None):
    """The model's way of naming a place: ``network 'n', host 'h'`` (``model`` when no network)."""
    text = f"network '{network}'" if network is not None else "model"
    if host is not None:
        text += f", host '{host}'"
    if family is not None:
        text += f", IPv{family}"
    return text


def require_netaddr():
    if not HAS_NETADDR:
        raise ModelError(["the Python library 'netaddr' is required on the controller (pip install netaddr)"])


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_dns1123_label(value):
    return isinstance(value, str) and len(value) <= 63 and bool(DNS1123_LABEL.match(value))


def is_dns1123_subdomain(value):
    return isinstance(value, str) and len(value) <= 253 and bool(DNS1123_SUBDOMAIN.match(value))


def is_ifname(value):
    return isinstance(value, str) and bool(IFNAME.match(value))


def mtu_problem(value):
    """None when value is a valid MTU, else the message (without the field)."""
    if is_int(value) and MTU_MIN <= value <= MTU_MAX:
        return None
    return f"must be an integer from {MTU_MIN} to {MTU_MAX}, got {value!r}"


def one_of(value, allowed):
    """None when value is one of allowed, else the message (without the field), with a "did you mean"."""
    return None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}{did_you_mean(value, allowed)}"


def _closest(value, known):
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value, known):
    """``; did you mean 'x'?`` for the closest of ``known`` to a misspelt ``value`` (empty when none is close)."""
    close = _closest(value, known)
    return f"; did you mean {close!r}?" if close else ""


def unknown_fields(unknown, known):
    """``unknown field(s) a (did you mean 'b'?), c``: a suggestion for each close to a known field."""
    parts = []
    for u in unknown:
        close = _closest(u, known)
        parts.append(f"{u} (did you mean {close!r}?)" if close else str(u))
    return "unknown field(s) " + ", ".join(parts)


def is_network_name(value):
    return isinstance(value, str) and bool(NETWORK_NAME.match(value))


def ip(value):
    """netaddr.IPAddress of value, or None."""
    try:
        return netaddr.IPAddress(str(value).strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def net(value):
    """netaddr.IPNetwork of an ``address/prefix`` text, or None (a bare address is not a network)."""
    text = str(value).strip()
    if "/" not in text:
        return None
    try:
        return netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def usable(address, network):
    """True when address is inside network and is neither its network nor its broadcast address (IPv4, < /31)."""
    if address not in network:
        return False
    if network.version == 4 and network.prefixlen < 31:
        return address not in (network.network, network.broadcast)
    return True


def is_default_dst(dst):
    """True for 'default', 0.0.0.0/0, ::/0 or any /0."""
    if dst in ("default", "0.0.0.0/0", "::/0"):
        return True
    parsed = net(dst)
    return parsed is not None and parsed.prefixlen == 0


def load_routes(problems, name, field_, routes, network, via_key="via", dst_key="to"):
    """Routes as a list of dicts ``{dst_key, via_key?, metric?}`` (model order), checking each."""
    out = []
    if routes is None:
        return out
    if not isinstance(routes, list):
        problems.add(where(name), field_, "must be a list of routes")
        return out
    for i, route in enumerate(routes):
        f = f"{field_}[{i}]"
        if not isinstance(route, dict) or dst_key not in route:
            problems.add(where(name), f, f"must be a mapping with '{dst_key}'")
            continue
        dst = str(route[dst_key])
        if dst != "default" and net(dst) is None:
            problems.add(where(name), f"{f}.{dst_key}", f"{dst!r} is not a CIDR (or 'default')")
            continue
        item = {dst_key: "0.0.0.0/0" if dst == "default" else str(net(dst).cidr)}
        target = network
        if isinstance(network, dict):  # per family: {4: net, 6: net6}, a route goes with its destination's family
            version = 4 if dst == "default" else net(dst).version
            if version not in network:
                problems.add(where(name, family=version), f"{f}.{dst_key}", f"{dst} is IPv{version} but the network "
                             f"has no IPv{version} cidr")
                continue
            target = network[version]
        if route.get(via_key) is not None:
            via = check_ip_in(problems, name, f"{f}.{via_key}", route[via_key], target)
            if via is None:
                continue
            item[via_key] = str(via)
        if route.get("metric") is not None:
            if not is_int(route["metric"]) or route["metric"] < 0:
                problems.add(where(name), f"{f}.metric", f"must be a non-negative integer, got {route['metric']!r}")
                continue
            item["metric"] = route["metric"]
        out.append(item)
    return out


def check_ip_in(problems, name, field_, value, network, host=None, family=None):
    """The IPAddress when value is a usable address of network (any address when network is None), else None + a
    problem (``family`` names the IP family in it, for the second family of a dual-stack network)."""
    address = ip(value)
    at = where(name, host, family)
    if address is None:
        problems.add(at, field_, f"{value!r} is not an IP address")
        return None
    if network is None:
        return address
    if address.version != network.version:
        problems.add(at, field_, f"{address} is IPv{address.version} but cidr {network.cidr} is IPv{network.version}")
        return None
    if address not in network:
        problems.add(at, field_, f"{address} is outside cidr {network.cidr}")
        return None
    if not usable(address, network):
        kind = "network" if address == network.network else "broadcast"
        problems.add(at, field_, f"{address} is the {kind} address of {network.cidr}")
        return None
    return address


def int_in(problems, name, field_, value, low, high):
    """value when it is an integer in [low, high] (or None), else None and a problem naming the field."""
    if value is None:
        return None
    if not is_int(value) or not low <= value <= high:
        problems.add(where(name), field_, f"must be an integer from {low} to {high}, got {value!r}")
        return None
    return value
