# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the checks around a NIC change decide, as pure functions (the nic_plan module runs the commands):

- :func:`connection`: whether the plan moves the address Ansible connects through (``ansible_host``): refused in
  preflight unless the user says they are renumbering, then the role reconnects on the new address;
- :func:`judge_pings`: which silent ping targets fail a change (a silent gateway, or every peer of a network);
- :func:`mtu_payload` and :func:`judge_mtu`: the path MTU, with full-size packets that must not be fragmented, so
  jumbo frames a switch drops roll the change back instead of passing a default-size ping.
"""

from __future__ import annotations

import ipaddress


def _ip(text):
    try:
        return ipaddress.ip_address(str(text).split("/", maxsplit=1)[0].strip("[]"))
    except ValueError:
        return None


def connection(live_networks, address, renumber, host):
    """Where ``address`` (the controller's ``ansible_host``) is on the host now, against the plan.

    ``live_networks`` is :func:`nic_apply.live`'s ``networks`` (per network: device, ``seen`` and ``planned``
    addresses as ``a.b.c.d/p``). Returns {address, network, device, new_address, moved, problem}: ``moved`` when the
    address is on a network with a planned static address that differs from it (DHCP networks plan none: the lease
    is the DHCP server's business); ``problem`` (a message naming host, network and ansible_host) when it moves and
    ``renumber`` is false. A name, or an address the host does not hold on a planned network (NAT, a jump host, a
    management NIC outside the model), is not judged."""
    out = {"address": address, "network": None, "device": None, "new_address": None, "moved": False, "problem": None}
    ip = _ip(address) if address else None
    if ip is None:
        return out
    for network, state in sorted((live_networks or {}).items()):
        if ip not in {_ip(a) for a in state.get("seen") or []}:
            continue
        planned = [_ip(a) for a in state.get("planned") or []]
        out.update(network=network, device=state.get("device"))
        if planned and ip not in planned:
            new = str(next((p for p in planned if p.version == ip.version), planned[0]))
            out.update(new_address=new, moved=True)
            if not renumber:
                out["problem"] = (
                    f"host '{host}', network '{network}': the plan moves {ip}, the address Ansible connects through "
                    f"(ansible_host), to {new} on {state.get('device')}: the controller would lose the host halfway "
                    "and the host would roll back. To renumber it, run with node_network_renumber: true (the role "
                    f"then reconnects on {new} and confirms there), then set ansible_host to {new} (docs/howto.md, "
                    "\"Renumber the network Ansible connects through\")")
        break
    return out


def judge_pings(targets, results):
    """Which silent targets fail the change: a silent gateway, or every peer of a network silent (then this host is
    the one cut off). A single silent peer while others answer is that peer's problem: a warning here, so that one
    broken host does not roll back the healthy ones. ``results``: one exit status per target, 0 = reply.
    Returns (failures, warnings) as messages."""
    failures, warnings, peers = [], [], {}
    for t, r in zip(targets, results):
        ok = str(r).strip() == "0"
        text = f"network '{t['network']}' ({t['device']}) from {t['target']} ({t['what']})"
        if t["what"] == "gateway":
            if not ok:
                failures.append(text)
        else:
            peers.setdefault(t["network"], []).append((ok, text))
    for network, got in peers.items():
        silent = [text for ok, text in got if not ok]
        if silent and len(silent) == len(got):
            failures += silent
        else:
            warnings += silent
    return failures, warnings


def mtu_payload(target, mtu):
    """The ICMP payload that fills a packet of ``mtu`` bytes: minus the IPv4 (20) or IPv6 (40) header and the ICMP
    header (8); ping(8) ``-s``. None when the target is not an address."""
    ip = _ip(target)
    if ip is None or not mtu:
        return None
    return int(mtu) - (48 if ip.version == 6 else 28)


def judge_mtu(targets, results):
    """The path MTU of each network whose MTU the plan sets, from full-size pings that must not be fragmented to the
    targets that answered a default-size ping (``targets`` carry ``mtu``; ``results`` one exit status each, 0 =
    reply). Every such target silent: the segment does not carry that MTU (a failure naming network, MTU and
    targets). Some silent: those peers' (or the gateway's) problem, a warning each. Returns (failures, warnings)."""
    failures, warnings, nets = [], [], {}
    for t, r in zip(targets, results):
        nets.setdefault((t["network"], t["device"], t["mtu"]), []).append((str(r).strip() == "0", t))
    for (network, device, mtu), got in nets.items():
        silent = [f"{t['target']} ({t['what']})" for ok, t in got if not ok]
        if not silent:
            continue
        if len(silent) == len(got):
            failures.append(f"network '{network}' ({device}): MTU {mtu} is not carried: no reply to {mtu}-byte "
                            f"packets that must not be fragmented from {', '.join(silent)}, while default-size "
                            "packets get through (a switch, bridge or peer on the segment carries less: set the MTU "
                            "the segment carries)")
        else:
            warnings += [f"network '{network}' ({device}): no reply to {mtu}-byte packets from {s} (others answer: "
                         "its MTU is smaller)" for s in silent]
    return failures, warnings
