# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab observed, as people read it: text tables and a topology picture (Graphviz DOT) with the addresses
seen on hosts and in pods, beside the validated report (``report.build``) they are checked against.

Input: the fragments the lab playbooks write (tests/lab/prove_pod_networks.yml, tests/lab/reproduce_writeups.yml),
one JSON object each, ``kind`` one of ``host`` (``ip -j addr`` of a host), ``pod`` (a pod namespace's
network-status, ``ip -j addr`` and ``ip -j route``), ``pings`` (ping argv and exit status), ``reach`` (the Multus
stand-in's checks), ``longhorn`` (the storage-network Setting). :func:`assemble` turns them into one document;
the rest lays it out. Nothing here decides whether the lab passed: the playbooks assert, this shows.
"""

from __future__ import annotations

import ipaddress
import json

from ansible_collections.multihomed.rke2.plugins.module_utils.plan_view import _address, _q, table

MARK = {True: "\u2713", False: "\u2717", None: "-"}  # reached, not reached, not checked
RUNS = {"proof": "per-NAD proof, tests/lab/prove_pod_networks.yml",
        "write-ups": "write-ups, tests/lab/reproduce_writeups.yml (Multus/Longhorn stand-in, real CNI plugins)"}
STANDIN = ("STAND-IN: Multus and Longhorn do not run in the lab; tests/lab/multus_standin.py attaches pods as they "
           "would (docs/lab.md). NICs, addresses, routes and pings below are real.")


def _list(value):
    """``ip -j`` output, parsed or as text; anything else (a failed command's empty output) is []."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def links(ip_addr):
    """``ip -j addr show`` as [{ifname, state, mac, master, children, addresses: ["a/p", ...]}]: loopback and
    link-local addresses left out, links without an address kept (bridge ports, macvlan parents); ``children``: the
    links in the same namespace stacked on this one (a host shim on its macvlan parent)."""
    data = _list(ip_addr)
    out = []
    for link in data:
        if not link.get("ifname") or link.get("link_type") == "loopback":
            continue
        addrs = [f"{i['local']}/{i.get('prefixlen')}" for i in link.get("addr_info") or []
                 if isinstance(i, dict) and i.get("local") and i.get("family") in ("inet", "inet6")
                 and i.get("scope") != "link"]
        children = [c.get("ifname") for c in data if c.get("link_index") == link.get("ifindex")
                    and "link_netnsid" not in c and c.get("ifname")]
        out.append({"ifname": link["ifname"], "state": link.get("operstate", ""), "mac": link.get("address", ""),
                    "master": link.get("master"), "children": children, "addresses": addrs})
    return out


def route_text(route):
    """One ``ip -j route`` entry as ``ip route`` says it, shortened: ``default via GW``, ``CIDR connected``."""
    dst = route.get("dst", "")
    if route.get("gateway"):
        return f"{dst} via {route['gateway']}"
    return f"{dst} connected" if route.get("protocol") == "kernel" else dst


def _pod(frag):
    node, pod = str(frag.get("node", "?")), str(frag.get("pod", "?"))
    status = {s.get("interface"): s for s in frag.get("network_status") or [] if isinstance(s, dict)}
    routes = _list(frag.get("ip_route"))
    interfaces = []
    for link in links(frag.get("ip_addr")):
        interfaces.append({"ifname": link["ifname"], "addresses": link["addresses"], "mac": link["mac"],
                           "nad": (status.get(link["ifname"]) or {}).get("name", ""),
                           "routes": [route_text(r) for r in routes if r.get("dev") == link["ifname"]]})
    for ifname, st in status.items():  # in network-status but not seen in the namespace
        if ifname and ifname not in {i["ifname"] for i in interfaces}:
            interfaces.append({"ifname": ifname, "addresses": [], "mac": st.get("mac", ""), "nad": st.get("name", ""),
                               "routes": [], "missing": True})
    name = pod.rsplit("/", 1)[-1]
    return {"id": f"{node}/{name}", "name": name, "run": frag.get("run", ""), "node": node, "pod": pod,
            "netns": frag.get("netns", ""), "annotation": frag.get("annotation", ""), "interfaces": interfaces}


def _ip(text):
    try:
        return ipaddress.ip_interface(str(text)).ip
    except ValueError:
        return None


def _owner(pods, ip):
    for pod in pods:
        for iface in pod["interfaces"]:
            if any(_ip(a) == ip for a in iface["addresses"]):
                return pod["id"]
    return None


def _expect(pod, ip):
    """Reached exactly when the source has an interface on the target's subnet (no pod reaches another network)."""
    nets = [ipaddress.ip_interface(a).network for i in pod["interfaces"] for a in i["addresses"] if _ip(a)]
    return any(ip in n for n in nets) if ip is not None else None


def assemble(fragments):
    """The fragments as one document: hosts {name: {links}}, pods [...], reach [{run, src, dst, ip, got, expect}],
    longhorn {storage-network, annotation}."""
    doc = {"hosts": {}, "pods": [], "reach": [], "longhorn": {}}
    pings, checks = [], []
    for frag in fragments:
        kind = frag.get("kind")
        if kind == "host":
            doc["hosts"][str(frag.get("host"))] = {"links": links(frag.get("ip_addr"))}
        elif kind == "pod":
            doc["pods"].append(_pod(frag))
        elif kind == "pings":
            pings += [(frag.get("run", ""), str(frag.get("node")), p) for p in frag.get("pings") or []]
        elif kind == "reach":
            checks += [(frag.get("run", ""), c) for c in frag.get("checks") or [] if isinstance(c, dict)]
        elif kind == "longhorn":
            doc["longhorn"] = {k: frag.get(k, "") for k in ("storage-network", "annotation")}
    # Same pod name (same network in the proof) together: the matrix then shows each network as one block.
    doc["pods"].sort(key=lambda p: (list(RUNS).index(p["run"]) if p["run"] in RUNS else 9, p["name"], p["node"]))
    by_id = {p["id"]: p for p in doc["pods"]}
    for run, node, (argv, rc) in pings:  # proof: ip netns exec <netns> ping ... <ip>
        netns = argv[argv.index("exec") + 1] if "exec" in argv[:-1] else "?"
        src, ip = f"{node}/{netns}", _ip(argv[-1])
        checks.append((run, {"src": src, "ip": str(argv[-1]), "got": rc == 0,
                             "expect": _expect(by_id[src], ip) if src in by_id else None}))
    for run, c in checks:
        named = [p["id"] for p in doc["pods"] if p["run"] == run and p["name"] == c["src"]]
        src = c["src"] if "/" in c["src"] or not named else named[0]
        ip = _ip(c.get("ip"))
        dst = _owner([p for p in doc["pods"] if p["run"] == run], ip) or c.get("dst") or str(ip)
        doc["reach"].append({"run": run, "src": src, "dst": dst, "ip": str(ip), "got": bool(c.get("got")),
                             "expect": c.get("expect")})
    return doc


def _cidrs(report):
    out = {}
    for entries in report["plans"].values():
        for e in entries:
            out.setdefault(e["network"], e["cidr"])
    for net, att in report["attachments"].items():
        out.setdefault(net, att.get("cidr"))
    return out


def network_of(report, address):
    """The model network whose CIDR holds the address, or ''."""
    ip = _ip(address)
    for net, cidr in _cidrs(report).items():
        if ip is not None and cidr and ip in ipaddress.ip_network(cidr):
            return net
    return ""


def hosts_table(report, doc):
    """Per host, per NIC: state, addresses, the model network they are on and whether that is the plan."""
    rows = []
    for host in list(report["hosts"]) + sorted(set(doc["hosts"]) - set(report["hosts"])):
        plan = {e["network"]: e for e in report["plans"].get(host, [])}
        if host not in doc["hosts"]:
            rows.append([host, "(not observed)", "", "", "", ""])
            continue
        seen = set()
        for link in doc["hosts"][host]["links"]:
            note = f"port of {link['master']}" if link["master"] else \
                (f"parent of {', '.join(link['children'])}" if link.get("children") else "")
            for addr in link["addresses"] or [None]:
                net = network_of(report, addr) if addr else ""
                entry = plan.get(net)
                if entry:
                    seen.add(net)
                    check = "\u2713 dhcp" if entry["dhcp"] else \
                        ("\u2713" if _address(entry) == addr else f"\u2717 planned {_address(entry)}")
                else:
                    check = note
                rows.append([host, link["ifname"], link["state"], addr or "-", net, check])
        for net in [n for n in plan if n not in seen]:
            rows.append([host, plan[net]["device"], "", "-", net, f"\u2717 planned {_address(plan[net])}, not seen"])
    return table(["host", "NIC", "state", "address", "network", "plan"], rows)


def _nad(report, name):
    if not name or "/" in name:
        return name
    return next((f"{a['namespace']}/{a['name']}" for a in report["attachments"].values() if a["name"] == name), name)


def pods_table(report, doc, run):
    rows = []
    for pod in [p for p in doc["pods"] if p["run"] == run]:
        for iface in pod["interfaces"]:
            addrs = ", ".join(iface["addresses"]) or ("(missing)" if iface.get("missing") else "-")
            nets = ", ".join(n for n in (network_of(report, a) for a in iface["addresses"]) if n)
            rows.append([pod["pod"], pod["node"], iface["ifname"], addrs, nets, _nad(report, iface["nad"]),
                         "; ".join(iface["routes"])])
        if not pod["interfaces"]:
            rows.append([pod["pod"], pod["node"], "(none)", "-", "", "", ""])
    return table(["pod", "node", "interface", "address", "network", "NAD", "routes via it"], rows)


def reach_matrix(doc, run):
    """Pod x pod: ✓ reached (any of its addresses), ✗ not reached, - not checked; ``!`` where a check went
    otherwise than its pod's subnets say it should. Extra targets (the web server) are columns too."""
    checks = [c for c in doc["reach"] if c["run"] == run]
    srcs = [p["id"] for p in doc["pods"] if p["run"] == run]
    dsts = srcs + sorted({c["dst"] for c in checks} - set(srcs))
    cells = {}
    for c in checks:
        got, bad = cells.get((c["src"], c["dst"]), (False, False))
        cells[(c["src"], c["dst"])] = (got or c["got"], bad or (c["expect"] is not None and c["got"] != c["expect"]))
    width = max([len(s) for s in srcs] + [len("from \\ to")])
    heads = [f"[{i}]" for i in range(1, len(dsts) + 1)]
    lines = ["from \\ to".ljust(width) + "  " + " ".join(heads)]
    for src in srcs:
        marks = []
        for dst, head in zip(dsts, heads):
            got, bad = cells.get((src, dst), (None, False))
            marks.append((MARK[got if (src, dst) in cells else None] + ("!" if bad else "")).center(len(head)))
        lines.append(src.ljust(width) + "  " + " ".join(marks).rstrip())
    addrs = {p["id"]: ", ".join(a for i in p["interfaces"] for a in i["addresses"]) for p in doc["pods"]}
    lines += [f"  {h} {d} ({addrs.get(d) or next((c['ip'] for c in checks if c['dst'] == d), '')})"
              for h, d in zip(heads, dsts)]
    bad = [c for c in checks if c["expect"] is not None and c["got"] != c["expect"]]
    lines.append(f"  {len(checks)} pings; " + ("all as the subnets say (a pod reaches exactly its own networks)"
                                               if not bad else f"{len(bad)} NOT as expected (marked !)"))
    return "\n".join(lines)


def longhorn_table(report, doc):
    """Per agent on the storage network: the instance manager's lhnet1, its network and NAD, default route, peers."""
    storage = (report["storage_candidates"] or [""])[0]
    agents = [h for h in report["hosts"] if any(e["network"] == storage for e in report["plans"].get(h, []))]
    ims = {p["node"]: p for p in doc["pods"] if any(i["ifname"] == "lhnet1" for i in p["interfaces"])}
    rows = []
    for agent in agents + sorted(set(ims) - set(agents)):
        pod = ims.get(agent)
        if pod is None:
            rows.append([agent, "(no instance manager observed)", "", "", "", "", ""])
            continue
        lh = next(i for i in pod["interfaces"] if i["ifname"] == "lhnet1")
        default = [r for i in pod["interfaces"] for r in i["routes"] if r.startswith("default")]
        peers = [f"{c['dst'].split('/', 1)[0]} {MARK[c['got']]}" for c in doc["reach"]
                 if c["src"] == pod["id"] and c["dst"] in {p["id"] for p in ims.values()}]
        rows.append([agent, pod["pod"], ", ".join(lh["addresses"]) or "-",
                     ", ".join(network_of(report, a) for a in lh["addresses"]), _nad(report, lh["nad"]),
                     "; ".join(default) or "none", ", ".join(peers) or "-"])
    return table(["agent", "instance manager", "lhnet1", "network", "NAD", "default route", "reaches over lhnet1"],
                 rows)


def render(report, doc, svg=None):
    """The whole observation as text."""
    parts = [STANDIN, "", f"Hosts and NICs ({len(doc['hosts'])} hosts observed, ip -j addr after site.yml)",
             hosts_table(report, doc) if doc["hosts"] else "(no host observed)", ""]
    for run, title in RUNS.items():
        if any(p["run"] == run for p in doc["pods"]):
            parts += [f"Pods of the {title}", pods_table(report, doc, run), "",
                      "Reachability, " + run + ": \u2713 reached, \u2717 not reached, - not checked",
                      reach_matrix(doc, run), ""]
    if not doc["pods"]:
        parts += ["(no pod observed)", ""]
    lh = doc["longhorn"]
    parts += ["Longhorn lhnet1 per agent: storage-network Setting " + (
        f"{lh['storage-network']} -> annotation {lh['annotation']}" if lh else "not observed"),
        longhorn_table(report, doc)]
    if svg:
        parts += ["", f"Topology with observed addresses: {svg}"]
    return "\n".join(parts)


def topology_dot(report, doc, title="multihomed.rke2 lab: observed"):
    """Graphviz DOT: networks (CIDR, VLAN), hosts with one edge per observed address (NIC, address), the NADs on
    their networks and the pods on their NADs (interface, address)."""
    cidrs, vlans = _cidrs(report), {}
    for entries in report["plans"].values():
        for e in entries:
            vlans.setdefault(e["network"], e["vlan"])
    lines = ["graph observed {",
             f"  label={_q(title)}; labelloc=t; fontname=Helvetica; rankdir=LR; nodesep=0.2; ranksep=1.6;",
             "  node [fontname=Helvetica, fontsize=10, style=filled]; edge [fontname=Helvetica, fontsize=8];"]
    for net in report["networks"]:
        vlan = f"\\nVLAN {vlans[net]}" if vlans.get(net) else ""
        label = f"{net}\\n{cidrs.get(net)}{vlan}"
        lines.append(f"  {_q('net:' + net)} [shape=box, fillcolor=\"#dbe9f7\", label={_q(label)}];")
    for host, seen in doc["hosts"].items():
        lines.append(f"  {_q('host:' + host)} [shape=ellipse, fillcolor=\"#ffffff\", label={_q(host)}];")
        for link in seen["links"]:
            for addr in link["addresses"]:
                net = network_of(report, addr)
                if net:
                    label = f"{link['ifname']}\\n{addr}"
                    lines.append(f"  {_q('host:' + host)} -- {_q('net:' + net)} [label={_q(label)}];")
    lines.append("  { rank=same; " + " ".join(_q("host:" + h) for h in doc["hosts"]) + " }")
    nads = {}
    for net, att in report["attachments"].items():
        nad = f"{att['namespace']}/{att['name']}"
        nads[nad] = net
        lines.append(f"  {_q('nad:' + nad)} [shape=note, fillcolor=\"#fff7dd\", label={_q('NAD ' + nad)}];")
        lines.append(f"  {_q('net:' + net)} -- {_q('nad:' + nad)} [style=dashed];")
    for pod in doc["pods"]:
        label = f"{pod['name']}\\non {pod['node']}"
        lines.append(f"  {_q('pod:' + pod['id'])} [shape=box, style=\"rounded,filled\", fillcolor=\"#efe3f7\", "
                     f"label={_q(label)}];")
        for iface in pod["interfaces"]:
            nad = _nad(report, iface["nad"])
            nets = [network_of(report, a) for a in iface["addresses"]]
            end = f"nad:{nad}" if nad in nads else (f"net:{nets[0]}" if nets and nets[0] else None)
            if end:
                label = iface["ifname"] + "".join("\\n" + a for a in iface["addresses"])
                lines.append(f"  {_q(end)} -- {_q('pod:' + pod['id'])} [label={_q(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
