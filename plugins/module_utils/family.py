# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP families of a network and of a NIC plan entry, in one place.

A network is IPv4, IPv6 or both. Its ``cidr`` (with ``gateway``, ``addressing``, ``default_route`` and the hosts'
``multihomed_addresses``) is its first family, IPv4 or IPv6; ``cidr6`` (with ``gateway6``, ``addressing6``,
``default_route6`` and ``multihomed_addresses6``) adds IPv6 to an IPv4 network. A NIC plan entry keeps the same
shape: the keys without suffix hold the first family (so an IPv4-only plan is what it always was), the keys ending
in ``6`` the second. :func:`views` turns an entry into one mapping per family, which is what the renderers read.

Standard library only (no netaddr): nic_config and nic_state, which use it, also run on the hosts.
"""

from __future__ import annotations

import ipaddress

# Keys of a plan entry per family view: first family (no suffix), second family (suffix 6).
VIEW_KEYS = ("cidr", "gateway", "default_route", "routes", "dhcp", "slaac", "address", "prefix")


def of(text):
    """4 or 6 for an address or CIDR text ('default' is IPv4's), None when it is neither."""
    if text in ("default", "0.0.0.0/0"):
        return 4
    if text == "::/0":
        return 6
    # ipaddress, not netaddr: nic_config uses this on the hosts too (module nic_plan), which have no netaddr.
    try:
        return ipaddress.ip_interface(str(text).strip()).version
    except ValueError:
        return None


def name(family):
    return f"IPv{family}"


def views(entry):
    """One mapping per family of a plan entry, first family first: ``family`` (4 or 6), ``cidr``, ``gateway``,
    ``default_route``, ``routes``, ``dhcp`` (the address is not planned: DHCP, or for IPv6 DHCPv6 or SLAAC),
    ``slaac`` (IPv6 by router advertisements only), ``address``, ``prefix``. An entry without a first family (never
    written by plan.host_plan) yields only its second."""
    out = []
    first = of(entry.get("cidr")) if entry.get("cidr") else 4
    out.append(dict({k: entry.get(k) for k in VIEW_KEYS}, family=first, routes=entry.get("routes") or [],
                    slaac=bool(entry.get("slaac"))))
    if entry.get("cidr6"):
        out.append(dict({k: entry.get(k + "6") for k in VIEW_KEYS}, family=6, routes=entry.get("routes6") or [],
                        slaac=bool(entry.get("slaac6"))))
    return out


def view(entry, family):
    """The entry's view of ``family`` (None when the entry has no such family)."""
    return next((v for v in views(entry) if v["family"] == family), None)


def default_view(entry, family):
    """The view of ``family`` when it carries the host's default route of that family, else None."""
    v = view(entry, family)
    return v if v is not None and v["default_route"] else None
