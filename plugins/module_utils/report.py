# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole model, validated once: networks and every host in one step, published as one report.

:func:`build` is the only place that validates the model against the inventory. It collects every problem (each
naming network, host and field) and raises one :class:`~.checks.ModelError`, or returns the report: plain,
JSON-safe data that ``playbooks/preflight.yml`` publishes as the ``multihomed_report`` fact and the roles read
(plans per host, node IPs, the cluster devices for the primary CNI, what Multus needs, the NADs, the Longhorn
storage candidates, warnings). Readers never re-validate.
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import ipam_plan, k8s_render, plan
from ansible_collections.multihomed.rke2.plugins.module_utils import checks
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import Problems, where
from ansible_collections.multihomed.rke2.plugins.module_utils.model import cluster_network, load_networks

REPORT_VERSION = 2


def _ambiguous_masters(problems, networks, hosts, plans):
    """A default master that differs between hosts: one problem per host whose device is not the one most hosts
    have (ties: the first name), naming the host, its device and the others' (a misspelt name on one host of 200 is
    found at once)."""
    for name, n in networks.items():
        att = n.attachment
        if att and att.type in ("macvlan", "ipvlan") and not att.master_explicit:
            by_device = {}
            for h in plan.members(n, hosts):
                for e in plans.get(h.name, []):
                    if e["network"] == name:
                        by_device.setdefault(e["device"], []).append(h.name)
            if len(by_device) < 2:
                continue
            common = sorted(by_device, key=lambda d: (-len(by_device[d]), d))[0]
            holders = ", ".join(by_device[common])
            for device, names in sorted(by_device.items()):
                if device == common:
                    continue
                for host in names:
                    problems.add(where(name, host), "attachment.master",
                                 f"is ambiguous: this host's device for the network is {device}, on "
                                 f"{holders} it is {common}, but a NetworkAttachmentDefinition has one master; "
                                 "rename the NICs (multihomed_interfaces) or set attachment.master")


def _capabilities(problems, networks):
    for name, n in networks.items():
        att = n.attachment
        if not att or not att.capabilities:
            continue
        honoured = k8s_render.honoured_capabilities(att)
        for cap, wanted in att.capabilities.items():
            if wanted and not honoured[cap]:
                what = (f"IPAM {att.ipam.type if att.ipam else 'none'}" if cap == "ips" else f"plugin {att.type}")
                problems.add(where(name), f"attachment.capabilities.{cap}", f"is true but the {what} cannot take a "
                             f"requested {cap} (only {', '.join(k8s_render.IPS_CAPABLE_IPAM if cap == 'ips' else k8s_render.MAC_CAPABLE_TYPES)} can)")


def warnings(networks):
    out = []
    for name, n in networks.items():
        ipam = n.attachment.ipam if n.attachment else None
        if ipam and n.purpose != "storage" and any(checks.is_default_dst(r["dst"]) for r in ipam.routes):
            out.append(f"network '{name}': attachment.ipam.routes holds a default route (0.0.0.0/0): a pod attached "
                       "to it gets a second default route, listed before the cluster network's, and its off-link "
                       "traffic leaves through this network; to choose a pod's default network, use Multus's "
                       "default-route in the networks annotation (filter network_selection, default_route)")
        if ipam and ipam.type == "dhcp":
            out.append(f"network '{name}': attachment.ipam.type dhcp needs the CNI DHCP daemon on every node and a "
                       "DHCP server on the segment; rke2-multus dhcpDaemonSet is enabled for it")
            out.append(f"network '{name}': attachment.ipam.type dhcp gives pods a default route via the DHCP "
                       "server's router (option 3) unless it sends classless routes (option 121): configure the "
                       "server without a router on this segment"
                       + (" (Longhorn's instance managers must keep their default route on the cluster network)"
                          if n.purpose == "storage" else
                          ", or choose the pod's default network with Multus's default-route"))
        out.extend(_family_warnings(name, n, ipam))
    return out


def _family_warnings(name, n, ipam):
    """IPv6 limits that are not errors (docs/upstream-facts.md section 10)."""
    out = []
    if ipam and ipam.type == "dhcp" and n.dual_stack:
        out.append(f"network '{name}': attachment.ipam.type dhcp is IPv4 only: pods get no IPv6 address on this "
                   "dual-stack network (use whereabouts or host-local for both families)")
    ra = [f for f, addressing, default in ((n.family, n.addressing, n.default_route),
                                           (6 if n.dual_stack else None, n.addressing6, n.default_route6))
          if f == 6 and addressing != "static" and not default]
    if ra:
        out.append(f"network '{name}': IPv6 by router advertisements (addressing{'6' if n.dual_stack else ''} "
                   f"{n.addressing6 if n.dual_stack else n.addressing}) without the default route: NetworkManager "
                   "ignores the routers' default route (ipv6.never-default), netplan (0.106) cannot, so send router "
                   "advertisements with router lifetime 0 on this segment")
    if n.purpose == "storage" and n.attachment and n.family == 6:
        out.append(f"network '{name}': an IPv6 storage network needs Longhorn 1.10.0 or later (single-stack IPv6, V1 "
                   "data engine; V2 from 1.12)")
    return out


def validate(raw_networks, hosts):
    """Networks and hosts checked in one step, attachment pools planned against the nodes.

    Returns (networks, plans, warnings) or raises ModelError listing all problems. With no hosts, only the
    network-level rules apply and pools are planned around the gateways and reserved pools.
    """
    problems = Problems()
    networks = load_networks(raw_networks, problems)
    if problems.items:
        _host_problems_beside(problems, networks, hosts)
        problems.raise_if_any()
    used = {}
    plans = {h.name: plan.host_plan(networks, h, problems, used) for h in hosts}
    known_groups = sorted({g for h in hosts for g in h.groups})
    for name, n in networks.items():
        if hosts and not plan.members(n, hosts):
            hint = "".join(checks.did_you_mean(g, known_groups) for g in n.groups if g not in known_groups)
            problems.add(where(name), "groups", f"{', '.join(n.groups)}: no inventory host is in "
                         f"{'this group' if len(n.groups) == 1 else 'any of these groups'}{hint}")
    _ambiguous_masters(problems, networks, hosts, plans)
    _capabilities(problems, networks)
    members = {name: (len(plan.members(n, hosts)) if hosts else None) for name, n in networks.items()}
    planned = ipam_plan.plan(problems, networks, plans, members)
    problems.raise_if_any()
    return networks, plans, planned


def _host_problems_beside(problems, networks, hosts):
    """When networks have problems, the hosts are still checked against the networks that have none, so that one
    run names every problem (docs/model.md). A network with a problem is left out; so is anything its absence makes
    impossible to judge (a host check that cannot run without it adds nothing)."""
    sound = {name: n for name, n in networks.items()
             if not any(p.startswith(f"network '{name}':") or p.startswith(f"network '{name}',")
                        for p in problems.items)}
    if not sound:
        return
    extra = Problems()
    try:
        for h in hosts:
            plan.host_plan(sound, h, extra, {})
    except Exception:  # pylint: disable=broad-exception-caught
        pass  # a host check that needs a network with a problem: that network's own problem is reported
    # A host's address on a network left out reads "names a network that is not in multihomed_networks": that
    # network's own problem says it, so nothing naming it is added.
    problems.items += [p for p in extra.items if p not in problems.items
                       and not any(p.startswith(f"network '{name}'") for name in networks if name not in sound)]


def build(raw_networks, hosts):
    """The report (a dict) of the whole model for ``hosts`` (a list of :class:`~.model.Host`)."""
    networks, plans, planned = validate(raw_networks, hosts)
    cluster = cluster_network(networks)
    cluster_hosts = [h.name for h in plan.members(cluster, hosts)]
    return {
        "version": REPORT_VERSION,
        "networks": list(networks),
        "hosts": [h.name for h in hosts],
        "cluster_network": cluster.name,
        "cluster": {
            "network": cluster.name,
            "cidr": cluster.cidr,
            **({"cidr6": cluster.cidr6} if cluster.dual_stack else {}),
            "groups": list(cluster.groups),
            "devices": sorted(set(e["device"] for h in cluster_hosts for e in plans[h] if e["network"] == cluster.name)),
            "node_ips": {h: plan.static_node_ip(networks, plans[h]) for h in cluster_hosts},
        },
        "plans": plans,
        "multus": k8s_render.multus_requirements(networks),
        "nads": k8s_render.nad_manifests(networks),
        "attachments": {name: {"namespace": n.attachment.namespace, "name": n.attachment.name,
                               "type": n.attachment.type, "cidr": n.cidr,
                               **({"cidr6": n.cidr6} if n.dual_stack else {}),
                               "ipam": n.attachment.ipam.type if n.attachment.ipam else None,
                               "capabilities": k8s_render.capabilities(n.attachment)}
                        for name, n in networks.items() if n.attachment},
        "storage_candidates": k8s_render.storage_candidates(networks),
        "warnings": warnings(networks) + planned,
    }
