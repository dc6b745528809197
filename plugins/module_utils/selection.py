# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pod side: the ``k8s.v1.cni.cncf.io/networks`` annotation that attaches a pod to NADs.

Multus reads either a comma list (``ns/name@ifname``) or a JSON list of network selection elements
(k8snetworkplumbingwg network-attachment-definition-client: name, namespace, interface, ips, mac, default-route).
"""

from __future__ import annotations

import json

from ansible_collections.multihomed.rke2.plugins.module_utils import checks
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError, Problems

SELECTION_FIELDS = ("name", "namespace", "interface", "ips", "mac", "default_route")


def _parse_short(text):
    text = text.strip()
    iface = None
    if "@" in text:
        text, iface = text.split("@", 1)
    ns, _sep, nad = text.rpartition("/")
    return {"name": nad, "namespace": ns or None, "interface": iface}


def _listed(value):
    return value if isinstance(value, list) else [value]


def _selection(problems, field_, item, namespace):
    at = "model"
    unknown = sorted(set(item) - set(SELECTION_FIELDS))
    if unknown:
        problems.add(at, field_, f"has {checks.unknown_fields(unknown, SELECTION_FIELDS)}")
    sel = {"name": str(item["name"])}
    if not checks.DNS1123_LABEL.match(sel["name"]):
        problems.add(at, f"{field_}.name", f"{sel['name']!r} is not a DNS-1123 label")
    ns = item.get("namespace") or namespace
    if ns:
        sel["namespace"] = str(ns)
    if item.get("interface"):
        if not checks.IFNAME.match(str(item["interface"])):
            problems.add(at, f"{field_}.interface", f"{item['interface']!r} is not a valid interface name")
        sel["interface"] = str(item["interface"])
    if item.get("ips"):
        ips = _listed(item["ips"])
        for ip in ips:
            if checks.net(ip) is None:
                # static IPAM rejects a bare address ("NOT in CIDR notation"): containernetworking/plugins
                # plugins/ipam/static/main.go; host-local takes the prefix from its range either way.
                problems.add(at, f"{field_}.ips", f"{ip!r} is not an address with its prefix (IP/prefix), as the "
                             "static IPAM requires")
        sel["ips"] = [str(ip) for ip in ips]
    if item.get("mac"):
        if not checks.MAC.match(str(item["mac"])):
            problems.add(at, f"{field_}.mac", f"{item['mac']!r} is not a MAC address")
        sel["mac"] = str(item["mac"])
    if item.get("default_route"):
        gws = _listed(item["default_route"])
        for gw in gws:
            if checks.ip(gw) is None:
                problems.add(at, f"{field_}.default_route", f"{gw!r} is not a gateway IP address")
        sel["default-route"] = [str(g) for g in gws]
    return sel


def _check_capabilities(problems, field_, sel, report):
    """ips/mac asked of a NAD of the model that does not declare the capability (Multus would drop them)."""
    ns = sel.get("namespace", "default")
    for network, att in report.get("attachments", {}).items():
        if (att["namespace"], att["name"]) != (ns, sel["name"]):
            continue
        for cap in ("ips", "mac"):
            if cap in sel and not att.get("capabilities", {}).get(cap):
                why = f"IPAM {att.get('ipam')}" if cap == "ips" else f"plugin {att['type']}"
                problems.add(f"network '{network}'", f"{field_}.{cap}", f"cannot be honoured: NAD {ns}/{sel['name']} "
                             f"declares no {cap} capability (its {why} cannot take a requested {cap})")


def network_selection(items, namespace=None, report=None):
    """Value of the k8s.v1.cni.cncf.io/networks annotation for a list of attachments.

    Items are names ("macvlan-conf", "ns/name", "name@net2") or mappings with name and optional namespace,
    interface, ips, mac, default_route. The short comma form is returned when no item needs more than name,
    namespace and interface; otherwise the JSON form. With ``report`` (the validated model), ips/mac asked of one
    of its NADs that cannot honour them are refused.
    """
    checks.require_netaddr()
    if isinstance(items, (str, dict)):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ModelError(["network_selection: input must be a non-empty list of attachment names or mappings"])
    problems = Problems()
    parsed = []
    for i, item in enumerate(items):
        field_ = f"item[{i}]"
        if isinstance(item, str):
            item = _parse_short(item)
        if not isinstance(item, dict) or not item.get("name"):
            problems.add("model", field_, "must be a name or a mapping with 'name'")
            continue
        sel = _selection(problems, field_, item, namespace)
        if report:
            _check_capabilities(problems, field_, sel, report)
        parsed.append(sel)
    problems.raise_if_any()
    if all(set(s) <= {"name", "namespace", "interface"} for s in parsed):
        return ",".join(
            (f"{s['namespace']}/" if "namespace" in s else "") + s["name"]
            + (f"@{s['interface']}" if "interface" in s else "")
            for s in parsed
        )
    return json.dumps(parsed, separators=(",", ":"))
