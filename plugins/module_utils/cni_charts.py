# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The primary CNI's chart values: every CNI RKE2 ships, pinned to the cluster network on every node.

One function per chart (``rke2-canal``, ``rke2-calico``, ``rke2-cilium``, ``rke2-flannel``) and
:func:`primary_cni_values` to pick one by ``rke2_cni_primary``. The input is the report's ``cluster`` entry
(``{network, cidr, devices}``, the cluster devices of all nodes) and, to refuse an ambiguous pin, the report's
``plans``. The values are one set for the whole cluster (each chart reads them from one ConfigMap or CR).
Every key was read from the chart it targets (docs/upstream-facts.md section 4, ../shared/UPSTREAM-FACTS.md);
tests/unit/plugins/module_utils/test_cni_charts.py names the source of each case.
"""

from __future__ import annotations

import re

from ansible_collections.multihomed.rke2.plugins.module_utils import checks, versions
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError, Problems

PRIMARY_CNIS = ("canal", "calico", "cilium", "flannel")
AUTODETECT_METHODS = ("cidr", "interface")
# Backends flannel registers but the rke2-canal chart cannot start, with the reason (docs/upstream-facts.md 4d).
REMOVED_BACKENDS = {
    "ipsec": "flannel's ipsec backend needs a pre-shared key of at least 96 characters and the rke2-canal chart "
             "passes a PSK only to wireguard, so flanneld fails to start ('password is too short'); use wireguard "
             "for an encrypted overlay",
}
# rke2-flannel (upstream flannel chart v0.28.9, kept by the rke2 patch) flannel.args default. Helm replaces lists,
# so the interface flag is appended to these, never given alone.
FLANNEL_DEFAULT_ARGS = ("--ip-masq", "--kube-subnet-mgr")


def check_backend(backend):
    """ModelError saying why a removed flannel backend cannot be used (before the generic choices check)."""
    if backend in REMOVED_BACKENDS:
        raise ModelError([f"model: backend {backend!r} is not supported: {REMOVED_BACKENDS[backend]}"])


def _iface_regex(devices):
    """Anchored: flannel (and calico) match with Go regexp.MatchString, which is unanchored."""
    return "^(%s)$" % "|".join(re.escape(d) for d in devices)


def _devices(cluster, plans, problems, pin):
    """The cluster devices, sorted; a problem when there are none, or when a name pinned cluster-wide is another
    network's device on some host (the pin would match that NIC there)."""
    devices = sorted(cluster["devices"])
    if not devices:
        problems.add(checks.where(cluster["network"]), "groups", "no host is on the cluster network")
    elif len(devices) > 1 and plans:
        for host in sorted(plans):
            own = _cluster_device(plans[host], cluster["network"])
            for entry in plans[host]:
                if entry["network"] == cluster["network"]:
                    continue
                # A VLAN trunk (parent), a bridge or a shim is a device too: flannel takes the FIRST device the
                # regex matches (ifindex order) and gives up when it has no address (flannel main.go, LookupExtIface).
                for key in ("device", "parent", "bridge", "shim"):
                    name = entry.get(key)
                    if name and name in devices and name != own:
                        problems.add(checks.where(entry["network"], host), key,
                                     f"{name} is the cluster device of other hosts, and {pin} names every cluster "
                                     "device on every node, so it would match this NIC here: give the cluster "
                                     "network one device name on every node, or other names to the other networks")
    return devices


def _cluster_device(plan, network):
    return next((e["device"] for e in plan if e["network"] == network), None)


def _vlans_on_cluster_devices(cluster, plans):
    """VLAN IDs of sub-interfaces whose parent is the host's own cluster device (storage ``parent: ens192``)."""
    out = set()
    for plan in (plans or {}).values():
        own = _cluster_device(plan, cluster["network"])
        out.update(int(e["vlan"]) for e in plan if e["network"] != cluster["network"] and own
                   and e.get("parent") == own and e.get("vlan"))
    return sorted(out)


def canal_values(cluster, backend="vxlan", autodetect="cidr", plans=None):
    """rke2-canal: flannel ``iface`` (one name on every node) or ``regexIface`` (several).

    ``calico.ipAutoDetectionMethod`` is also written (``cidr=`` or ``interface=``) but has no effect under canal:
    the chart runs calico with ``CALICO_NETWORKING_BACKEND=none`` and calico skips address detection then. It is
    kept because it is harmless and dropping it would rewrite the file (and restart the servers) on every cluster.
    """
    check_backend(backend)
    problems = Problems()
    if backend not in checks.FLANNEL_BACKENDS:
        problems.add("model", "backend", f"{backend!r} is not a flannel backend (one of "
                     f"{', '.join(checks.FLANNEL_BACKENDS)})")
    if autodetect not in AUTODETECT_METHODS:
        problems.add("model", "autodetect", checks.one_of(autodetect, AUTODETECT_METHODS))
    devices = [] if problems.items else _devices(cluster, plans, problems, "flannel.regexIface")
    problems.raise_if_any()
    flannel = {"backend": backend}
    regex = _iface_regex(devices)
    if len(devices) == 1:
        flannel["iface"] = devices[0]
    else:
        flannel["regexIface"] = regex
    iface = "interface=%s" % (regex if len(devices) > 1 else "^%s$" % re.escape(devices[0]))
    # IPv6: the chart reads calico.ip6AutoDetectionMethod when RKE2 gives it an IPv6 cluster-cidr (global.
    # clusterCIDRv6); flannel's iface (or a name regexIface) serves both families (docs/upstream-facts.md 10).
    calico = {}
    for cidr in (cluster["cidr"], cluster.get("cidr6")):
        if cidr:
            key = "ip6AutoDetectionMethod" if ":" in cidr else "ipAutoDetectionMethod"
            calico[key] = f"cidr={cidr}" if autodetect == "cidr" else iface
    return {"flannel": flannel, "calico": calico}


def calico_values(cluster):
    """rke2-calico (tigera-operator chart): the Installation's ``calicoNetwork.nodeAddressAutodetectionV4`` by the
    cluster CIDR, whatever the device names. The rke2 patch sets ``firstFound`` only when this is empty."""
    problems = Problems()
    _devices(cluster, None, problems, "")
    problems.raise_if_any()
    network = {}
    for cidr in (cluster["cidr"], cluster.get("cidr6")):
        if cidr:
            network["nodeAddressAutodetectionV6" if ":" in cidr else "nodeAddressAutodetectionV4"] = {"cidrs": [cidr]}
    return {"installation": {"calicoNetwork": network}}


def cilium_values(cluster, multus=False, rke2_version="", plans=None):
    """rke2-cilium: ``devices``, the cluster devices (joined by spaces into cilium-config ``devices``), and
    ``bpf.vlanBypass`` with the VLAN IDs of sub-interfaces on a cluster device.

    With Multus, ``cni.exclusive: false`` unless ``rke2_version`` is known to have it as the chart default
    (versions.py ``cilium_exclusive_default``): an exclusive cilium renames Multus's CNI config away.
    """
    problems = Problems()
    devices = _devices(cluster, plans, problems, "cilium devices")
    problems.raise_if_any()
    values = {"devices": devices}
    # cilium's eBPF program on a selected device drops VLAN-tagged frames whose VLAN device it does not control
    # (DROP_VLAN_FILTERED), unless the tag is listed in bpf.vlanBypass (agent flag vlan-bpf-bypass): with the pin on
    # the cluster NIC, a storage VLAN on that NIC would lose its traffic (docs/upstream-facts.md section 4).
    vlans = _vlans_on_cluster_devices(cluster, plans)
    if vlans:
        values["bpf"] = {"vlanBypass": vlans}
    if multus and versions.has("cilium_exclusive_default", rke2_version) is not True:
        values["cni"] = {"exclusive": False}
    return values


def flannel_values(cluster, plans=None):
    """rke2-flannel: no iface key in the chart; the flag goes in ``flannel.args`` after the chart's defaults
    (``--iface=<name>``, or ``--iface-regex`` when the names differ between nodes)."""
    problems = Problems()
    devices = _devices(cluster, plans, problems, "flannel --iface-regex")
    problems.raise_if_any()
    flag = f"--iface={devices[0]}" if len(devices) == 1 else f"--iface-regex={_iface_regex(devices)}"
    return {"flannel": {"args": list(FLANNEL_DEFAULT_ARGS) + [flag]}}


def primary_cni_values(cluster, cni, backend="vxlan", autodetect="cidr", multus=False, rke2_version="", plans=None):
    """Values of the chart ``rke2-<cni>``; options that do not apply to ``cni`` are ignored."""
    if cni == "canal":
        return canal_values(cluster, backend=backend, autodetect=autodetect, plans=plans)
    if cni == "calico":
        return calico_values(cluster)
    if cni == "cilium":
        return cilium_values(cluster, multus=multus, rke2_version=rke2_version, plans=plans)
    if cni == "flannel":
        return flannel_values(cluster, plans=plans)
    raise ModelError([f"model: cni {checks.one_of(cni, PRIMARY_CNIS)}"])
