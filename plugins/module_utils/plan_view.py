# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan as people read it: text tables and a topology picture (Graphviz DOT), from the validated report.

Nothing here decides anything: it lays out what ``report.build`` computed (``playbooks/plan.yml`` prints it before
anything runs, touching no host).
"""

from __future__ import annotations

import json


def table(headers, rows):
    """A plain text table: a header, a rule, one line per row; columns as wide as their widest cell."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def _one(dynamic, slaac, address, prefix):
    return ("slaac" if slaac else "dhcp") if dynamic else f"{address}/{prefix}"


def _address(entry):
    """The entry's address per family: the first family, then a dual-stack network's IPv6 after a comma."""
    text = _one(entry["dhcp"], entry.get("slaac"), entry["address"], entry["prefix"])
    if entry.get("cidr6"):
        text += ", " + _one(entry.get("dhcp6"), entry.get("slaac6"), entry.get("address6"), entry.get("prefix6"))
    return text


def _default(entry):
    out = [f"via {entry['gateway']}" if entry["default_route"] and entry["gateway"] else
           ("via DHCP" if entry["default_route"] else "")]
    if entry.get("default_route6"):
        out.append(f"v6 via {entry['gateway6']}" if entry.get("gateway6") else "v6 via RA")
    return ", ".join(o for o in out if o)


def _holder(entry):
    """The interface that holds the entry's address: a bridge or a macvlan shim made on the device, else the device
    (a VLAN's device already is ``<parent>.<vlan>``)."""
    if entry.get("bridge"):
        return f"{entry['bridge']} (bridge on {entry['device']})"
    if entry.get("shim"):
        return f"{entry['shim']} (macvlan shim on {entry['device']})"
    return entry["device"]


def hosts_table(report):
    rows = []
    node_ips = report["cluster"]["node_ips"]
    for host in report["hosts"]:
        for e in report["plans"].get(host, []):
            device = _holder(e) + (f" (MAC {e['mac']})" if e.get("mac") else "")
            default = _default(e)
            node_ip = (node_ips.get(host) or "from DHCP") if e["network"] == report["cluster"]["network"] else ""
            rows.append([host, e["network"], device, e["vlan"] or "", _address(e), e["mtu"] or "", default, node_ip])
    return table(["host", "network", "device", "VLAN", "address", "MTU", "default route", "node-ip"], rows)


def _pool(ipam):
    kind = ipam.get("type")
    if kind == "host-local":
        rng = ipam["ranges"][0][0]
        return f"{rng.get('rangeStart', '')}-{rng.get('rangeEnd', '')} of {rng['subnet']}".lstrip("-")
    if kind == "whereabouts":
        span = f"{ipam.get('range_start', '')}-{ipam.get('range_end', '')} of " \
            if "range_start" in ipam or "range_end" in ipam else ""
        return span + ipam["range"]
    if kind == "static":
        return ", ".join(a["address"] for a in ipam.get("addresses", []))
    return "from the segment's DHCP server" if kind == "dhcp" else ""


def nads_table(report):
    rows = []
    by_nad = {(a["namespace"], a["name"]): net for net, a in report["attachments"].items()}
    for nad in report["nads"]:
        meta = nad["metadata"]
        conf = json.loads(nad["spec"]["config"])
        ipam = conf.get("ipam") or {}
        link = conf.get("master") or conf.get("bridge") or conf.get("device") or ""
        caps = ",".join(k for k, v in (conf.get("capabilities") or {}).items() if v)
        rows.append([f"{meta['namespace']}/{meta['name']}", by_nad.get((meta["namespace"], meta["name"]), ""),
                     f"{conf['type']} {conf.get('mode', '')}".strip(), link, ipam.get("type", ""), _pool(ipam),
                     ", ".join(ipam.get("exclude", [])), caps])
    return table(["NAD", "network", "plugin", "on", "IPAM", "pool", "excluded", "capabilities"], rows)


def longhorn_line(report):
    candidates = report["storage_candidates"]
    if len(candidates) == 1:
        att = report["attachments"][candidates[0]]
        return f"storage-network = {att['namespace']}/{att['name']} (network '{candidates[0]}': lhnet1 in instance managers)"
    if not candidates:
        return "no storage network with an attachment: Longhorn keeps its traffic on the cluster network"
    return f"several storage networks ({', '.join(candidates)}): set longhorn_network_network"


def values_block(title, values):
    return f"{title}:\n" + "\n".join(f"  {line}" for line in json.dumps(values, indent=2).splitlines())


def render(report, cni_values=None):
    """The whole plan as text: hosts and NICs, the cluster CNI values, the NADs, Longhorn, warnings."""
    parts = [f"Hosts and NICs ({len(report['hosts'])} hosts, networks: {', '.join(report['networks'])})",
             hosts_table(report), ""]
    for chart, values in (cni_values or {}).items():
        parts += [values_block(f"{chart} HelmChartConfig values", values), ""]
    parts += [f"NetworkAttachmentDefinitions ({len(report['nads'])})", nads_table(report) if report["nads"] else
              "(none)", "", "Longhorn: " + longhorn_line(report), ""]
    parts += ["Warnings:"] + [f"  - {w}" for w in report["warnings"]] if report["warnings"] else ["Warnings: none"]
    return "\n".join(parts)


def _q(text):
    """A DOT string; the two characters \\n in text are DOT's line break."""
    return '"' + str(text).replace('"', '\\"') + '"'


def _h(text):
    """Text inside a Graphviz HTML-like label."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _host_label(host, entries):
    """A host as a table: its name, then one row per NIC (interface holding the address, address, default route),
    each row a port its network's edge leaves from, so no label sits on an edge."""
    rows = [f'<TR><TD COLSPAN="3" BGCOLOR="#f4f4f4"><B>{_h(host)}</B></TD></TR>']
    for i, e in enumerate(entries):
        holder = _h(_holder(e)).replace(" (", '<BR ALIGN="LEFT"/>(', 1)
        default = "default route" if e["default_route"] or e.get("default_route6") else ""
        rows.append(f'<TR><TD ALIGN="LEFT">{holder}</TD><TD ALIGN="LEFT">{_h(_address(e))}</TD>'
                    f'<TD ALIGN="LEFT" PORT="p{i}">{default}</TD></TR>')
    return "<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">" + "".join(rows) + "</TABLE>>"


_EDGE = {"cluster": "#3b7dd8", "storage": "#3aa657", "services": "#d9831f", "other": "#888888"}


def topology_dot(report, title="multihomed.rke2 plan"):
    """Graphviz DOT, left to right: hosts (a table of their NICs), networks (CIDR, VLAN), the NADs on them. Each NIC
    is one edge from its row to its network; the NIC's interface and address are in the row, not on the edge."""
    colours = {"cluster": "#dbe9f7", "storage": "#e3f4e1", "services": "#fbeedd", "other": "#eeeeee"}
    cidrs = {net: a["cidr"] for net, a in report["attachments"].items()}
    lines = ["graph topology {",
             f"  label={_q(title)}; labelloc=t; fontname=Helvetica; fontsize=16; rankdir=LR; nodesep=0.25; "
             "ranksep=1.2; splines=true;",
             "  node [fontname=Helvetica, fontsize=10]; edge [color=\"#555555\"];"]
    networks = {}
    for entries in report["plans"].values():
        for e in entries:
            networks.setdefault(e["network"], e)
    for name in report["networks"]:
        e = networks.get(name)
        cidr = (e["cidr"] + (f"\\n{e['cidr6']}" if e.get("cidr6") else "")) if e else cidrs.get(name, "")
        vlan = f"\\nVLAN {e['vlan']}" if e and e["vlan"] else ""
        colour = colours.get(e["purpose"] if e else "other", "#eeeeee")
        label = f"{name}\\n{cidr}{vlan}"
        lines.append(f"  {_q('net:' + name)} [shape=box, style=filled, fillcolor={_q(colour)}, label={_q(label)}];")
    for host in report["hosts"]:
        entries = report["plans"].get(host, [])
        lines.append(f"  {_q('host:' + host)} [shape=plain, label={_host_label(host, entries)}];")
        for i, e in enumerate(entries):
            lines.append(f"  {_q('host:' + host)}:p{i}:e -- {_q('net:' + e['network'])}:w "
                         f"[color={_q(_EDGE.get(e['purpose'], _EDGE['other']))}, penwidth=1.5];")
    lines.append("  { rank=same; " + " ".join(_q("host:" + h) for h in report["hosts"]) + " }")
    lines.append("  { rank=same; " + " ".join(_q("net:" + n) for n in report["networks"]) + " }")
    for net, att in report["attachments"].items():
        nad = f"{att['namespace']}/{att['name']}"
        label = f"NAD {nad}\\n{att['type']} / {att.get('ipam') or 'no IPAM'}"
        lines.append(f"  {_q('nad:' + nad)} [shape=note, style=filled, fillcolor=\"#fff7dd\", label={_q(label)}];")
        lines.append(f"  {_q('net:' + net)}:e -- {_q('nad:' + nad)}:w [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"
