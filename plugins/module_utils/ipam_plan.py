# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address pools of the attachments, planned against the nodes so that no pod gets a node's address.

Facts this encodes (see the conformance table in tests/unit/plugins/module_utils/test_conformance.py):
- host-local keeps its allocations per node (containernetworking/plugins plugins/ipam/host-local/backend/disk):
  one NAD used on several nodes hands out the same addresses on each node. Its pool is ``rangeStart`` (default:
  the subnet's first address after the network address) to ``rangeEnd`` (default: the last usable one), minus its ``gateway`` (default: the
  first address) (host-local backend/allocator/range.go ``Canonicalize``).
- whereabouts allocates cluster-wide and skips every CIDR in ``exclude`` (k8snetworkplumbingwg/whereabouts
  pkg/allocate, pkg/config); so the default attachment IPAM is whereabouts over the network's CIDR, with the
  nodes' static addresses, the gateway and the user's ``reserved`` pools excluded.
- static addresses are taken as given on every node that uses the NAD.
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import checks, family
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import where


def reserved_cidrs(network):
    """The network's ``reserved`` pools as CIDRs (a range ``a-b`` becomes the CIDRs that cover it exactly)."""
    out = []
    for item in network.reserved:
        if "-" in item:
            first, last = item.split("-", 1)
            out.extend(str(c) for c in checks.netaddr.IPRange(first, last).cidrs())
        else:
            out.append(str(checks.netaddr.IPNetwork(item).cidr))
    return out


def node_addresses(network, plans):
    """{address: host} of the static addresses the hosts hold on this network (either family)."""
    out = {}
    for host, entries in plans.items():
        for e in entries:
            if e["network"] == network.name:
                for v in family.views(e):
                    if not v["dhcp"]:
                        out[v["address"]] = host
    return out


def dhcp_hosts(network, plans):
    return sorted(h for h, entries in plans.items() for e in entries if e["network"] == network.name and e["dhcp"])


def _host_local_pool(fields, suffix=""):
    if "subnet" + suffix not in fields:
        return checks.netaddr.IPSet()
    subnet = checks.netaddr.IPNetwork(fields["subnet" + suffix])
    first = checks.netaddr.IPAddress(fields["range_start" + suffix]) if "range_start" + suffix in fields \
        else subnet.network + 1
    if "range_end" + suffix in fields:
        last = checks.netaddr.IPAddress(fields["range_end" + suffix])
    else:
        last = subnet.broadcast - 1 if subnet.version == 4 and subnet.prefixlen < 31 else subnet.last
    gateway = checks.netaddr.IPAddress(fields["gateway" + suffix]) if "gateway" + suffix in fields \
        else subnet.network + 1
    return checks.netaddr.IPSet(checks.netaddr.IPRange(first, last)) - checks.netaddr.IPSet([gateway])


def _whereabouts_pool(fields, suffix=""):
    rng = checks.netaddr.IPNetwork(fields["range" + suffix])
    first = checks.netaddr.IPAddress(fields["range_start" + suffix]) if "range_start" + suffix in fields \
        else rng.network
    last = checks.netaddr.IPAddress(fields["range_end" + suffix]) if "range_end" + suffix in fields else rng.last
    return checks.netaddr.IPSet(checks.netaddr.IPRange(first, last))


def _merge_excludes(fields, extra, pool, suffix=""):
    """User's excludes first, then every extra CIDR that overlaps the pool, each once."""
    out = list(fields.get("exclude" + suffix) or [])
    for cidr in extra:
        if cidr not in out and pool & checks.netaddr.IPSet([cidr]):
            out.append(cidr)
    return out


def plan(problems, networks, plans, member_count):
    """Check and complete every attachment's IPAM against the nodes; returns the warnings.

    ``member_count`` maps a network to the number of hosts attached to it (None when hosts are unknown).
    Whereabouts IPAM gets the computed ``exclude``; a host-local or static pool that holds a node's address or the
    gateway is an error; host-local on a network shared by several hosts is a warning.
    """
    warnings = []
    for name, n in networks.items():
        ipam = n.attachment.ipam if n.attachment else None
        if ipam is None or n.net is None:
            continue
        nodes = node_addresses(n, plans)
        taken = dict(nodes)
        for gateway in (n.gateway, n.gateway6):
            if gateway:
                taken.setdefault(gateway, "the network's gateway")
        field = "attachment.ipam"
        if ipam.type == "whereabouts":
            pool = _whereabouts_pool(ipam.fields)
            extra = [f"{a}/{32 if family.of(a) == 4 else 128}" for a in taken] + reserved_cidrs(n)
            ipam.fields["exclude"] = _merge_excludes(ipam.fields, extra, pool)
            if "range6" in ipam.fields:
                excluded6 = _merge_excludes(ipam.fields, extra, _whereabouts_pool(ipam.fields, "6"), "6")
                if excluded6:
                    ipam.fields["exclude6"] = excluded6
            dhcp = dhcp_hosts(n, plans)
            if dhcp and not n.reserved:
                warnings.append(f"network '{name}': hosts {', '.join(dhcp)} take their address by DHCP, which the "
                                "model cannot see: list the DHCP server's pool in 'reserved' so whereabouts never "
                                "hands a pod an address the server gives a node")
        elif ipam.type == "host-local":
            pool = _host_local_pool(ipam.fields) | _host_local_pool(ipam.fields, "6")
            for address, owner in taken.items():
                if checks.netaddr.IPAddress(address) in pool:
                    problems.add(where(name), field, f"host-local pool holds {address}, the address of "
                                 f"{owner if owner.startswith('the ') else 'host ' + repr(owner)}: pods would get "
                                 "it; set range_start/range_end around the nodes, or use whereabouts")
            for cidr in reserved_cidrs(n):
                if pool & checks.netaddr.IPSet([cidr]):
                    problems.add(where(name), field, f"host-local pool overlaps the reserved pool {cidr}")
            if member_count.get(name) is None or member_count[name] > 1:
                warnings.append(f"network '{name}': attachment.ipam.type host-local allocates per node, so pods on "
                                "different nodes get the SAME addresses: use whereabouts (the default), or give "
                                "each node its own NAD with a disjoint range")
        elif ipam.type == "static":
            for i, item in enumerate(ipam.fields.get("addresses", [])):
                address = item["address"].split("/")[0]
                if address in taken:
                    owner = taken[address]
                    problems.add(where(name), f"{field}.addresses[{i}].address", f"{address} is the address of "
                                 f"{owner if owner.startswith('the ') else 'host ' + repr(owner)}")
            if member_count.get(name) is None or member_count[name] > 1:
                warnings.append(f"network '{name}': attachment.ipam.type static gives every pod using it the same "
                                "address on every node: use it for one pod on one node")
    return warnings
