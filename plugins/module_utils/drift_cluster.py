# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift on the cluster API: the model's NetworkAttachmentDefinitions and Longhorn's storage-network Setting
against what the API holds, as findings of :mod:`drift`.

Read-only inputs: the ``kubernetes.core.k8s_info`` results ``playbooks/drift.yml`` registers (``{api_found,
resources}``, or a failed result). The NADs are compared exactly as the ``network_attachment`` module decides
(``nad_model.decide``/``differences``/``prune_candidates``), so drift names what a run of role multus_networks
would change. Longhorn's Setting (longhorn-manager ``k8s/pkg/apis/longhorn/v1beta2/setting.go``: a top-level
``value`` string, ``status.applied``) is compared with ``<namespace>/<name>`` of the storage attachment; its
default, an empty value, means the cluster network (``types/setting.go``, SettingDefinitionStorageNetwork).
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render, nad_model
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import MANAGED_SELECTOR, NAD_API_VERSION
from ansible_collections.multihomed.rke2.plugins.module_utils.drift import finding

LONGHORN_SETTING = "storage-network"
_ABSENT = object()


def changes(want, have, path=""):
    """[(dotted path, wanted, live)] where two JSON values differ; mappings key by key, anything else whole.

    A key missing on one side shows as None on that side."""
    if isinstance(want, dict) and isinstance(have, dict):
        out = []
        for key in sorted(set(want) | set(have), key=str):
            out += changes(want.get(key, _ABSENT), have.get(key, _ABSENT), f"{path}.{key}" if path else str(key))
        return out
    if want == have:
        return []
    return [(path, None if want is _ABSENT else want, None if have is _ABSENT else have)]


def _read(result, what):
    """The live objects of a k8s_info result: (items, None), or (None, unchecked finding)."""
    if not isinstance(result, dict) or result.get("failed") or "resources" not in result:
        msg = str(result.get("msg") or "") if isinstance(result, dict) else ""
        return None, finding("unchecked", what, "read from the API", "not read", msg or "no k8s_info result")
    return result["resources"] or [], None


def _nad_fields(desired, live):
    """{path: wanted}, {path: live} of the fields ``nad_model.differences`` reports, spec.config key by key."""
    want, have = {}, {}
    for field in nad_model.differences(desired, live):
        if field == "spec.config":
            try:
                live_config = nad_model.parse_config((live.get("spec") or {}).get("config"))
            except ValueError:
                live_config = None
            if live_config is None:
                want[field] = nad_model.parse_config(desired["spec"]["config"])
                have[field] = (live.get("spec") or {}).get("config")
                continue
            for path, w, h in changes(nad_model.parse_config(desired["spec"]["config"]), live_config, field):
                want[path], have[path] = w, h
        elif field.startswith("metadata."):
            section, name = field.split(".", 2)[1:]  # metadata.labels.<key>: a key may hold dots
            want[field] = (desired["metadata"].get(section) or {}).get(name)
            have[field] = (((live.get("metadata") or {}).get(section)) or {}).get(name)
        else:
            key = field.split(".", 1)[1]
            want[field], have[field] = desired["spec"].get(key), (live.get("spec") or {}).get(key)
    return want, have


def nad_findings(desired, result, namespaces=()):
    """Findings for the model's NADs (``report['nads']``) against a k8s_info listing of NADs.

    Missing, different (the fields that differ, spec.config key by key) and, like the module's ``prune``, NADs
    labelled managed-by multihomed.rke2 that the model no longer has, in the model's namespaces and ``namespaces``
    (``multus_networks_prune_namespaces``); NADs without the label are never reported.
    """
    what = "NetworkAttachmentDefinitions"
    live, unread = _read(result, what)
    if unread:
        return [unread]
    if not result.get("api_found", True):
        return [finding("nad", f"CustomResourceDefinition {NAD_API_VERSION}", "served", "not served",
                        f"Multus's NAD CRD is missing: the model's {len(desired)} NAD(s) cannot exist")]
    wanted = nad_model.validate_definitions(desired)
    by_key = {nad_model.key_of(o): o for o in live}
    out = []
    for obj in wanted:
        key = nad_model.key_of(obj)
        action = nad_model.decide(obj, by_key.get(key), "present")
        if action == "created":
            out.append(finding("nad", key, "present", "absent", "the model's NAD is not in the cluster"))
        elif action == "updated":
            want, have = _nad_fields(obj, by_key[key])
            out.append(finding("nad", key, want, have, "differs: " + ", ".join(want)))
    scope = set(o["metadata"]["namespace"] for o in wanted) | set(namespaces)
    in_scope = [o for o in live if (o.get("metadata") or {}).get("namespace") in scope]
    for obj in nad_model.prune_candidates(in_scope, set(nad_model.key_of(o) for o in wanted)):
        out.append(finding("nad", nad_model.key_of(obj), "absent", "present",
                           f"labelled {MANAGED_SELECTOR} but not in the model (prune would delete it)"))
    return out


def longhorn_expected(report, network=""):
    """The storage-network value the model asks for (``<namespace>/<name>``), or None: no storage network with an
    attachment, so the model says nothing about Longhorn."""
    if not report.get("storage_candidates") and not network:
        return None
    return k8s_render.storage_attachment(report, network)["value"]


def longhorn_findings(expected, result, namespace="longhorn-system"):
    """(findings, notes) for Longhorn's storage-network Setting from a k8s_info read of it."""
    what = f"Setting {namespace}/{LONGHORN_SETTING}"
    if expected is None:
        return [], ["no storage network with an attachment in the model: Longhorn's storage-network not compared"]
    items, unread = _read(result, what)
    if unread:
        return [unread], []
    if not result.get("api_found", True):
        return [], [f"Longhorn is not installed (no settings.longhorn.io): storage-network not compared (the model "
                    f"wants {expected}; the Helm value is defaultSettings.storageNetwork)"]
    setting = next((o for o in items if (o.get("metadata") or {}).get("name") == LONGHORN_SETTING), None)
    if setting is None:
        return [finding("longhorn_setting", what, expected, None, "the Setting does not exist")], []
    value = setting.get("value") or ""
    if value != expected:
        return [finding("longhorn_setting", what, expected, value or "(empty: the cluster network)",
                        "instance managers get lhnet1 on the NAD this names; change it only with every volume "
                        "detached")], []
    if (setting.get("status") or {}).get("applied") is False:
        return [], [f"{what} has the model's value but Longhorn has not applied it yet (volumes attached?)"]
    return [], []
