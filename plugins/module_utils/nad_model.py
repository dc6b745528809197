# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NetworkAttachmentDefinition objects as plain data: validation, comparison and the action to take.

Pure Python, no Kubernetes client: the ``network_attachment`` module validates every definition here before it
opens a connection, and decides created/updated/unchanged/deleted from the desired and the live object. Errors are
:class:`checks.ModelError` listing every problem, each naming the NAD (``namespace/name``), its position in
``definitions`` and the field. The rules shared with the network model (names, MTU, enums) live in ``checks``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.multihomed.rke2.plugins.module_utils.checks import (
    ATTACHMENT_TYPES,
    CNI_VERSIONS,
    IPAM_TYPES,
    MANAGED_LABEL,
    MANAGED_SELECTOR,
    MANAGED_VALUE,
    MODES,
    NAD_API_VERSION,
    NAD_KIND,
    ModelError,
    Problems,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_ifname,
    mtu_problem,
)

# Main (interface-creating) CNI plugins a NAD may name: the model's attachment types plus the other reference
# plugins of containernetworking/plugins and the common add-ons shipped with RKE2's Multus.
MAIN_CNI_TYPES = tuple(ATTACHMENT_TYPES) + ("ptp", "vlan", "tap", "dummy", "sriov", "ovs")
# Chained (meta) plugins: allowed after the first plugin of a conflist.
CHAINED_CNI_TYPES = ("tuning", "portmap", "bandwidth", "sbr", "firewall", "vrf")
# Plugins that cannot work without an address manager.
IPAM_REQUIRED = ("macvlan", "ipvlan")
# Server-set metadata left out of diffs and comparisons.
_VOLATILE_METADATA = ("creationTimestamp", "generation", "managedFields", "resourceVersion", "selfLink", "uid")


def key_of(obj):
    """``namespace/name`` of an object (mapping)."""
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"


def _check_ipam(errors, where, field, plugin_type, ipam, required):
    if ipam is None:
        if required:
            errors.add(where, field, f"is required for type {plugin_type} (one of {', '.join(IPAM_TYPES)})")
        return
    if not isinstance(ipam, dict):
        errors.add(where, field, f"must be a JSON object, got {type(ipam).__name__}")
        return
    if not ipam and not required:
        return  # {}: layer 2 only, no addresses
    itype = ipam.get("type")
    if itype not in IPAM_TYPES:
        errors.add(where, f"{field}.type", f"{itype!r} is not a known IPAM plugin (one of {', '.join(IPAM_TYPES)})")
        return
    routes = ipam.get("routes")
    if routes is not None and (not isinstance(routes, list) or not all(isinstance(r, dict) and "dst" in r
                                                                       for r in routes)):
        errors.add(where, f"{field}.routes", "must be a list of objects with 'dst'")


def _check_plugin(errors, where, field, plugin, allowed_types):
    if not isinstance(plugin, dict):
        errors.add(where, field, "must be a JSON object")
        return
    ptype = plugin.get("type")
    if ptype not in allowed_types:
        errors.add(where, f"{field}.type", f"{ptype!r} is not a known CNI plugin (one of {', '.join(allowed_types)})")
        return
    mode = plugin.get("mode")
    if ptype in MODES and mode is not None and mode not in MODES[ptype]:
        errors.add(where, f"{field}.mode", f"{mode!r} is not a {ptype} mode (one of {', '.join(MODES[ptype])})")
    for key in ("master", "bridge"):
        if plugin.get(key) is not None and not is_ifname(plugin[key]):
            errors.add(where, f"{field}.{key}", f"{plugin[key]!r} is not a valid Linux interface name")
    if ptype == "host-device" and not any(plugin.get(k) for k in ("device", "hwaddr", "kernelpath", "pciBusID")):
        errors.add(where, field, "of type host-device needs one of device, hwaddr, kernelpath, pciBusID")
    if plugin.get("mtu") is not None:
        problem = mtu_problem(plugin["mtu"])
        if problem:
            errors.add(where, f"{field}.mtu", problem)
    if ptype in CHAINED_CNI_TYPES:
        return
    _check_ipam(errors, where, f"{field}.ipam", ptype, plugin.get("ipam"), ptype in IPAM_REQUIRED)


def parse_config(config):
    """spec.config (JSON text or an already parsed mapping) -> dict; ValueError when it is not a JSON object."""
    if isinstance(config, dict):
        return config
    if not isinstance(config, str):
        raise ValueError(f"must be a JSON string, got {type(config).__name__}")
    try:
        parsed = json.loads(config)
    except ValueError as exc:
        raise ValueError(f"is not valid JSON ({exc})") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"must hold a JSON object, got {type(parsed).__name__}")
    return parsed


def validate_cni_config(errors, where, config):
    """Check a parsed CNI config (single plugin or conflist); ``errors`` is a :class:`checks.Problems`."""
    field = "spec.config"
    version = config.get("cniVersion")
    if version is None:
        errors.add(where, f"{field}.cniVersion", f"is missing (one of {', '.join(CNI_VERSIONS)})")
    elif str(version) not in CNI_VERSIONS:
        errors.add(where, f"{field}.cniVersion", f"{version!r} is not supported (one of {', '.join(CNI_VERSIONS)})")
    name = config.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add(where, f"{field}.name", "is missing: the CNI network needs a name (usually the NAD's name)")
    if "plugins" in config:
        plugins = config["plugins"]
        if not isinstance(plugins, list) or not plugins:
            errors.add(where, f"{field}.plugins", "must be a non-empty list of plugin objects")
            return
        for i, plugin in enumerate(plugins):
            allowed = MAIN_CNI_TYPES if i == 0 else MAIN_CNI_TYPES + CHAINED_CNI_TYPES
            _check_plugin(errors, where, f"{field}.plugins[{i}]", plugin, allowed)
    else:
        _check_plugin(errors, where, field, config, MAIN_CNI_TYPES)


def validate_definitions(definitions):
    """Validate NAD objects; return normalized copies (spec.config always a JSON string).

    Raises ModelError with every problem found, before anything talks to the API server.
    """
    errors = Problems()
    if not isinstance(definitions, list):
        raise ModelError(["definitions: must be a list of NetworkAttachmentDefinition objects"])
    out = []
    seen = {}
    for i, item in enumerate(definitions):
        pos = f"definitions[{i}]"
        if not isinstance(item, dict):
            errors.add(pos, "", "must be a mapping (a NetworkAttachmentDefinition object)")
            continue
        meta = item.get("metadata")
        if not isinstance(meta, dict):
            errors.add(pos, "metadata", "must be a mapping with name, namespace and labels")
            continue
        name, namespace = meta.get("name"), meta.get("namespace")
        where = f"NetworkAttachmentDefinition '{namespace}/{name}' ({pos})"
        api_version = item.get("apiVersion", NAD_API_VERSION)
        if api_version != NAD_API_VERSION:
            errors.add(where, "apiVersion", f"{api_version!r} must be {NAD_API_VERSION}")
        kind = item.get("kind", NAD_KIND)
        if kind != NAD_KIND:
            errors.add(where, "kind", f"{kind!r} must be {NAD_KIND}")
        if not is_dns1123_subdomain(name):
            errors.add(where, "metadata.name", f"{name!r} is not a DNS-1123 name (lower case a-z, 0-9, '-' and '.', "
                       "starting and ending with a letter or digit)")
        if not is_dns1123_label(namespace):
            errors.add(where, "metadata.namespace", f"{namespace!r} is not a DNS-1123 label (a namespace is required)")
        labels = meta.get("labels") or {}
        annotations = meta.get("annotations") or {}
        if not isinstance(labels, dict) or labels.get(MANAGED_LABEL) != MANAGED_VALUE:
            errors.add(where, "metadata.labels", f"must contain {MANAGED_SELECTOR}: the module manages (and prunes) "
                       "only NADs carrying it; the multihomed.rke2.nad_manifests filter adds it")
        if not isinstance(annotations, dict):
            errors.add(where, "metadata.annotations", "must be a mapping")
            annotations = {}
        spec = item.get("spec")
        if not isinstance(spec, dict) or "config" not in spec:
            errors.add(where, "spec.config", "is required (the CNI configuration as a JSON string)")
            continue
        try:
            config = parse_config(spec["config"])
        except ValueError as exc:
            errors.add(where, "spec.config", str(exc))
            continue
        validate_cni_config(errors, where, config)
        key = f"{namespace}/{name}"
        if key in seen:
            errors.add(where, "metadata.name", f"is also the name of definitions[{seen[key]}]")
        seen[key] = i
        new_spec = copy.deepcopy(spec)
        if not isinstance(spec["config"], str):
            new_spec["config"] = json.dumps(config, separators=(",", ":"), sort_keys=True)
        new_meta = {"name": name, "namespace": namespace, "labels": {str(k): str(v) for k, v in labels.items()}}
        if annotations:
            new_meta["annotations"] = {str(k): str(v) for k, v in annotations.items()}
        out.append({"apiVersion": NAD_API_VERSION, "kind": NAD_KIND, "metadata": new_meta, "spec": new_spec})
    errors.raise_if_any()
    return out


def _same_config(desired, live):
    try:
        return parse_config(desired) == parse_config(live)
    except ValueError:
        return False


def differences(desired, live):
    """Fields of ``desired`` that ``live`` does not match (empty list: nothing to do).

    spec.config is compared as parsed JSON (key order and spacing do not matter); labels and annotations as a
    subset (others, added by people or controllers, are left alone); other spec fields by value.
    """
    out = []
    live_meta = live.get("metadata") or {}
    for section in ("labels", "annotations"):
        want = desired["metadata"].get(section) or {}
        have = live_meta.get(section) or {}
        for k in sorted(want):
            if have.get(k) != want[k]:
                out.append(f"metadata.{section}.{k}")
    live_spec = live.get("spec") or {}
    for k in sorted(desired.get("spec") or {}):
        if k == "config":
            if not _same_config(desired["spec"]["config"], live_spec.get("config")):
                out.append("spec.config")
        elif desired["spec"][k] != live_spec.get(k):
            out.append("spec." + k)
    return out


def merge_patch(desired):
    """JSON merge patch that brings a live NAD to ``desired`` without dropping others' labels/annotations."""
    meta = {"labels": dict(desired["metadata"].get("labels") or {})}
    if desired["metadata"].get("annotations"):
        meta["annotations"] = dict(desired["metadata"]["annotations"])
    return {"metadata": meta, "spec": copy.deepcopy(desired["spec"])}


def is_managed(obj):
    return ((obj.get("metadata") or {}).get("labels") or {}).get(MANAGED_LABEL) == MANAGED_VALUE


def decide(desired, live, state):
    """The action for one NAD: created, updated, unchanged, deleted, or skipped (absent but not ours)."""
    if state == "absent":
        if live is None:
            return "unchanged"
        return "deleted" if is_managed(live) else "skipped"
    if live is None:
        return "created"
    return "updated" if differences(desired, live) else "unchanged"


def prune_candidates(live_items, wanted_keys):
    """Live NADs carrying the managed-by label that are not wanted; NADs without the label are never returned."""
    return [obj for obj in live_items if is_managed(obj) and key_of(obj) not in wanted_keys]


def trim(obj):
    """An object as shown in diffs: no server bookkeeping (uid, resourceVersion, managedFields...)."""
    if obj is None:
        return {}
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    for k in _VOLATILE_METADATA:
        meta.pop(k, None)
    for k in ("labels", "annotations"):
        if k in meta and not meta[k]:
            meta.pop(k)
    out.pop("status", None)
    return out
