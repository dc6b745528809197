# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pod network proof of ``playbooks/validate.yml``, as plain functions.

1. :func:`attachments_from_nads` pairs the NetworkAttachmentDefinitions the model renders (``nad_manifests``, in
   model order) with their networks' CIDRs.
2. :func:`expected_interfaces` picks the networks to attach to the test pod (the user's selection, or all) and names
   their interfaces net1, net2, ... in order.
3. :func:`check_pod` reads what the pod got - Multus' ``k8s.v1.cni.cncf.io/network-status`` annotation and
   ``ip -j addr show`` run inside the pod - and says, per interface, whether it has an address in its network's
   CIDR in both.

Pure Python (netaddr for address math, IPv4 and IPv6 alike); no Ansible, no network model: the inputs are plain
data. Malformed input raises :class:`PodCheckError`; a pod that did not get its networks is a result with
``ok: false`` and a message naming interface, network and what was found.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from dataclasses import asdict, dataclass, field

from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError

try:
    import netaddr

    HAS_NETADDR = True
except ImportError:  # pragma: no cover - reported by _net()
    HAS_NETADDR = False

NETWORK_STATUS_ANNOTATION = "k8s.v1.cni.cncf.io/network-status"
_LINK_LOCAL_V6 = "fe80::/10"


class PodCheckError(CollectionError):
    """Input the checks cannot work with; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class Attachment:
    network: str
    cidr: str
    namespace: str
    name: str

    @property
    def ref(self):
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Expected(Attachment):
    interface: str = ""

    def as_dict(self):
        out = asdict(self)
        out["selection"] = {"name": self.name, "namespace": self.namespace, "interface": self.interface}
        return out


@dataclass
class Result:
    interface: str
    network: str
    expected_cidr: str
    status_ips: list = field(default_factory=list)
    pod_ips: list = field(default_factory=list)
    ok: bool = False
    message: str = ""


def _net(value):
    if not HAS_NETADDR:  # pragma: no cover
        raise PodCheckError("the netaddr Python library is required on the controller (pip install netaddr)")
    try:
        return netaddr.IPNetwork(str(value))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def _ip(value):
    """An address from 'a.b.c.d', '2001:db8::1' or either with a /prefix; None if it is not one."""
    net = _net(value)
    return net.ip if net is not None else None


def _json(value, what):
    if isinstance(value, (bytes, str)):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise PodCheckError(f"{what} is not JSON ({exc}): {str(value)[:200]!r}")
    return value


def _attachments(items, what="attachments"):
    """Validated Attachment objects (or Expected, when items carry 'interface') from a list of mappings."""
    if not isinstance(items, list) or not items:
        raise PodCheckError(f"{what}: expected a non-empty list of mappings with network, cidr, namespace and name, "
                            f"got {items!r}")
    errors, out, seen = [], [], set()
    keys = ("network", "cidr", "namespace", "name")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"{what}[{i}]: expected a mapping, got {type(item).__name__}")
            continue
        label = f"network '{item['network']}'" if isinstance(item.get("network"), str) else f"{what}[{i}]"
        missing = [k for k in keys + (("interface",) if what == "expected" else ()) if not item.get(k)]
        if missing:
            errors.append(f"{label}: {', '.join(missing)} missing or empty")
            continue
        net = _net(item["cidr"])
        if net is None or "/" not in str(item["cidr"]):
            errors.append(f"{label}: cidr {item['cidr']!r} is not a CIDR (address/prefix)")
            continue
        if item["network"] in seen:
            errors.append(f"{label}: listed twice")
        seen.add(item["network"])
        values = {k: str(item[k]) for k in keys}
        values["cidr"] = str(net.cidr)
        if what == "expected":
            out.append(Expected(interface=str(item["interface"]), **values))
        else:
            out.append(Attachment(**values))
    if errors:
        raise PodCheckError(errors)
    return out


def attachments_from_report(report):
    """[{network, cidr, namespace, name}] of every network with an attachment (model order), from the validated
    model's report (``multihomed_report``, or ``multihomed_networks | multihomed.rke2.validate_model(...)``)."""
    if not isinstance(report, dict) or not isinstance(report.get("attachments"), dict):
        raise PodCheckError("expected the validated model (multihomed_report, from multihomed.rke2.validate_model)")
    items = [{"network": network, "cidr": att.get("cidr"), "namespace": att.get("namespace"), "name": att.get("name")}
             for network, att in report["attachments"].items()]
    if not items:
        raise PodCheckError("no network in multihomed_networks has an attachment: nothing to attach to a pod")
    return [asdict(a) for a in _attachments(items)]


def expected_interfaces(attachments, selection=None):
    """The interfaces a test pod gets: net1, net2, ... for the selected networks, in selection order.

    ``selection`` lists network names; empty or None selects every attachment, in model order. Each entry also
    carries ``selection``, the item for ``multihomed.rke2.network_selection``.
    """
    atts = _attachments(attachments)
    by_network = {a.network: a for a in atts}
    if selection in (None, "", []):
        selection = [a.network for a in atts]
    elif isinstance(selection, str):
        selection = [selection]
    if not isinstance(selection, list) or not all(isinstance(s, str) and s for s in selection):
        raise PodCheckError(f"selection: expected a list of network names, got {selection!r}")
    errors = []
    for name in selection:
        if name not in by_network:
            errors.append(f"network '{name}': not a network with an attachment (those are: "
                          f"{', '.join(by_network)})")
    for name in sorted({s for s in selection if selection.count(s) > 1}):
        errors.append(f"network '{name}': selected {selection.count(name)} times; attach each network once")
    if errors:
        raise PodCheckError(errors)
    return [Expected(interface=f"net{i}", **asdict(by_network[name])).as_dict()
            for i, name in enumerate(selection, start=1)]


def parse_network_status(value):
    """Multus' network-status annotation (JSON text or its parsed list) as a list of mappings; None: []."""
    if value in (None, ""):
        return []
    data = _json(value, NETWORK_STATUS_ANNOTATION)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise PodCheckError(f"{NETWORK_STATUS_ANNOTATION}: expected a list of mappings (name, interface, ips), "
                            f"got {data!r}"[:300])
    return data


def parse_ip_addr(value):
    """``ip -j addr show`` output (JSON text or parsed) as {ifname: [(address, prefixlen), ...]}."""
    data = _json(value, "ip -j addr show output")
    if not isinstance(data, list):
        raise PodCheckError(f"ip -j addr show output: expected a JSON list of links, got {type(data).__name__}")
    links = {}
    for link in data:
        # iproute2 before 5.x printed an empty object for links the filter skipped.
        if not isinstance(link, dict) or not link.get("ifname"):
            continue
        addrs = []
        for info in link.get("addr_info") or []:
            if isinstance(info, dict) and info.get("family") in ("inet", "inet6") and info.get("local"):
                addrs.append((str(info["local"]), info.get("prefixlen")))
        links[link["ifname"]] = addrs
    return links


def _in(ips, net):
    """The addresses of ``ips`` inside ``net`` (invalid ones are never inside)."""
    return [ip for ip in ips if (addr := _ip(ip)) is not None and addr in net]


def _shown(ip, net):
    """Whether a pod address belongs in the report: IPv6 link-local ones only for a link-local network."""
    addr = _ip(ip)
    link_local = _net(_LINK_LOCAL_V6)
    return addr is None or addr.version == 4 or addr not in link_local or net in link_local


def _check_one(exp, status, links):
    net = _net(exp.cidr)
    problems = []
    entries = [e for e in status if e.get("interface") == exp.interface]
    status_ips = [str(ip) for ip in (entries[0].get("ips") or [])] if len(entries) == 1 else []
    if not status:
        problems.append("the pod has no network-status annotation (is Multus running and the NAD found?)")
    elif not entries:
        others = ", ".join(str(e.get("interface")) for e in status if e.get("interface")) or "none"
        problems.append(f"not in network-status (interfaces there: {others})")
    elif len(entries) > 1:
        problems.append(f"appears {len(entries)} times in network-status")
    else:
        got = entries[0].get("name")
        if got not in (exp.ref, exp.name):
            problems.append(f"network-status attaches {got!r} here, expected {exp.ref}")
        bad = [ip for ip in status_ips if _ip(ip) is None]
        if bad:
            problems.append(f"network-status has invalid address(es) {', '.join(bad)}")
        if not _in(status_ips, net):
            problems.append(f"network-status has no address in {exp.cidr} (has: {', '.join(status_ips) or 'none'})")
    pod_ips = [ip for ip, _prefix in links.get(exp.interface, []) if _shown(ip, net)]
    if exp.interface not in links:
        problems.append(f"the pod has no interface {exp.interface} (it has: {', '.join(sorted(links)) or 'none'})")
    elif not _in(pod_ips, net):
        problems.append(f"the pod's {exp.interface} has no address in {exp.cidr} "
                        f"(has: {', '.join(pod_ips) or 'none'})")
    else:
        carried = {_ip(ip) for ip in pod_ips}
        missing = [ip for ip in _in(status_ips, net) if _ip(ip) not in carried]
        if missing:
            problems.append(f"network-status reports {', '.join(missing)}, which the pod's {exp.interface} "
                            "does not carry")
    where = f"{exp.interface} (network '{exp.network}', {exp.ref})"
    if problems:
        message = f"{where}: " + "; ".join(problems)
    else:
        message = f"{where}: {', '.join(_in(pod_ips, net))} in {exp.cidr}"
    return Result(interface=exp.interface, network=exp.network, expected_cidr=exp.cidr, status_ips=status_ips,
                  pod_ips=pod_ips, ok=not problems, message=message)


def check_pod(expected, network_status, ip_addr):
    """Per expected interface: {interface, network, expected_cidr, status_ips, pod_ips, ok, message}.

    ``expected`` is the output of :func:`expected_interfaces`; ``network_status`` the pod's
    k8s.v1.cni.cncf.io/network-status annotation; ``ip_addr`` the output of ``ip -j addr show`` in the pod.
    """
    exps = _attachments(expected, what="expected")
    status = parse_network_status(network_status)
    links = parse_ip_addr(ip_addr)
    return [asdict(_check_one(exp, status, links)) for exp in exps]


def table(results):
    """Lines of a readable table of check_pod results (one header line, one line per interface)."""
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise PodCheckError(f"expected the list returned by pod_network_check, got {results!r}"[:300])
    header = ("interface", "network", "CIDR", "pod addresses", "network-status", "ok")
    rows = [header] + [
        (str(r.get("interface")), str(r.get("network")), str(r.get("expected_cidr")),
         ", ".join(r.get("pod_ips") or []) or "-", ", ".join(r.get("status_ips") or []) or "-",
         "yes" if r.get("ok") else "NO")
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
