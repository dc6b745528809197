# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the model becomes in Kubernetes: CNI configs, NetworkAttachmentDefinitions and the rke2-multus values.

The primary CNI's chart values (rke2-canal and the others) are in :mod:`.cni_charts`.

Inputs are typed :class:`~.model.Network`/:class:`~.attachment.Attachment` objects (already validated) or plain
values from the published report; nothing here validates the model again.
"""

from __future__ import annotations

import json

from ansible_collections.multihomed.rke2.plugins.module_utils import checks
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError


def _render_ipam(ipam):
    fields = ipam.fields
    out = {"type": ipam.type}
    if ipam.type == "host-local":
        out["ranges"] = []
        for suffix in ("", "6"):  # one range set per family: host-local gives one address from each
            if "subnet" + suffix not in fields:
                continue
            rng = {"subnet": fields["subnet" + suffix]}
            for src, dst in (("range_start", "rangeStart"), ("range_end", "rangeEnd"), ("gateway", "gateway")):
                if src + suffix in fields:
                    rng[dst] = fields[src + suffix]
            out["ranges"].append([rng])
    elif ipam.type == "whereabouts":
        out["range"] = fields["range"]
        for src in ("range_start", "range_end", "exclude", "gateway"):
            if src in fields:
                out[src] = fields[src]
        if "range6" in fields:  # the top-level range comes first, then ipRanges (whereabouts pkg/config/config.go)
            rng = {"range": fields["range6"]}
            for src in ("range_start", "range_end", "exclude"):
                if src + "6" in fields:
                    rng[src] = fields[src + "6"]
            out["ipRanges"] = [rng]
    elif ipam.type == "static":
        out["addresses"] = [dict(a) for a in fields["addresses"]]
    if fields.get("routes"):
        out["routes"] = [_cni_route(r) for r in fields["routes"]]
    return out


def _cni_route(route):
    """A CNI route: the model's ``metric`` is the CNI key ``priority`` (containernetworking/cni types.Route, spec
    1.1.0; applied by the plugins from v1.6.0, ignored by older ones; no plugin reads ``metric``)."""
    out = {k: v for k, v in route.items() if k != "metric"}
    if "metric" in route:
        out["priority"] = route["metric"]
    return out


# runtimeConfig capabilities each plugin honours (containernetworking/plugins: host-local ips from v1.0.0, static
# ips from v0.8.2, macvlan mac from v0.8.7, bridge mac from v1.0.0; whereabouts, dhcp, ipvlan, host-device: none).
IPS_CAPABLE_IPAM = ("host-local", "static")
MAC_CAPABLE_TYPES = ("macvlan", "bridge")


def honoured_capabilities(att):
    """What the attachment's plugin and IPAM can take from a pod's networks annotation."""
    return {"ips": bool(att.ipam and att.ipam.type in IPS_CAPABLE_IPAM), "mac": att.type in MAC_CAPABLE_TYPES}


def capabilities(att):
    """The ``capabilities`` a NAD declares so that Multus passes a pod's requested ``ips``/``mac`` to the plugin:
    everything the plugin and IPAM honour, unless the attachment sets ``capabilities`` itself."""
    if att.capabilities is not None:
        return {k: v for k, v in att.capabilities.items() if v}
    return {k: True for k, v in honoured_capabilities(att).items() if v}


def cni_config(att):
    """The CNI config (dict) of an attachment."""
    conf = {"cniVersion": att.cni_version, "name": att.name, "type": att.type}
    if att.type in ("macvlan", "ipvlan"):
        conf["master"] = att.master
        conf["mode"] = att.mode
    elif att.type == "bridge":
        conf["bridge"] = att.bridge
    elif att.type == "host-device":
        conf["device"] = att.device
    if att.mtu is not None and att.type != "host-device":
        conf["mtu"] = att.mtu
    if att.ipam:
        conf["ipam"] = _render_ipam(att.ipam)
    caps = capabilities(att)
    if caps:
        conf["capabilities"] = caps
    return conf


def nad_manifest(att):
    """The NetworkAttachmentDefinition object of an attachment, labelled as managed by this collection."""
    return {
        "apiVersion": checks.NAD_API_VERSION,
        "kind": checks.NAD_KIND,
        "metadata": {
            "name": att.name,
            "namespace": att.namespace,
            "labels": {checks.MANAGED_LABEL: checks.MANAGED_VALUE},
        },
        "spec": {"config": json.dumps(cni_config(att), separators=(",", ":"))},
    }


def nad_manifests(networks):
    """NetworkAttachmentDefinition objects for every network that has an attachment (model order)."""
    return [nad_manifest(n.attachment) for n in networks.values() if n.attachment]


def network_cni_config(networks, name):
    """CNI config of the attachment of network ``name`` (ModelError naming the network when it has none)."""
    if name not in networks:
        raise ModelError([f"network '{name}': not in multihomed_networks (known: {', '.join(sorted(networks))})"])
    att = networks[name].attachment
    if not att:
        raise ModelError([f"network '{name}': attachment is not set, so it has no CNI config"])
    return cni_config(att)


def multus_requirements(networks):
    """Which optional parts of the rke2-multus chart the attachments need."""
    types = set(n.attachment.ipam.type for n in networks.values() if n.attachment and n.attachment.ipam)
    return {"dhcp_daemon": "dhcp" in types, "whereabouts": "whereabouts" in types}


def multus_values(needs, thick_plugin=False):
    """rke2-multus values (keys checked against rancher/rke2-charts packages/rke2-multus values.yaml).

    ``thickPlugin.enabled`` is written only when asked (the chart's default is false, and leaving the key out keeps
    the file of clusters on the thin plugin as it was)."""
    values = {"manifests": {"dhcpDaemonSet": needs["dhcp_daemon"]}, "rke2-whereabouts": {"enabled": needs["whereabouts"]}}
    if thick_plugin:
        values["thickPlugin"] = {"enabled": True}
    return values


def storage_candidates(networks):
    """Networks with purpose storage and an attachment (model order)."""
    return [name for name, n in networks.items() if n.purpose == "storage" and n.attachment]


def storage_attachment(report, network=""):
    """Longhorn's storage network: ``{network, namespace, name, value}`` (value ``<namespace>/<name>``).

    ``network`` names it explicitly; otherwise the one storage network with an attachment is taken. The default
    route rule for storage attachments was checked when the model was validated.
    """
    attachments = report["attachments"]
    candidates = report["storage_candidates"]
    if network:
        if network not in report["networks"]:
            raise ModelError([f"longhorn_network_network '{network}' is not a network of the model "
                              f"(known: {', '.join(report['networks'])})"])
        if network not in candidates:
            raise ModelError([f"network {network}: purpose must be storage and it needs an attachment (storage "
                              f"networks with an attachment: {', '.join(candidates) or 'none'})"])
        name = network
    elif not candidates:
        raise ModelError(["no network has purpose storage and an attachment: give the storage network an "
                          "attachment first (storage networks with an attachment: none)"])
    elif len(candidates) > 1:
        raise ModelError([f"Several networks have purpose storage and an attachment ({', '.join(candidates)}): "
                          "set longhorn_network_network."])
    else:
        name = candidates[0]
    att = attachments[name]
    return {"network": name, "namespace": att["namespace"], "name": att["name"],
            "value": f"{att['namespace']}/{att['name']}"}
