# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network_attachment module's run: decide per NAD (nad_model), act over one connection (nad_client), report.

Order of work: validate every definition (nad_model, no I/O) -> connect -> check the NAD CRD is served -> check (or
create) the namespaces -> list the NADs of each namespace once -> create, patch or delete what differs (server-side
dry-run in check mode; a create answering 409 is read back and converged) -> prune managed leftovers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_model
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import MANAGED_SELECTOR, ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.nad_client import (
    AlreadyExists,
    NadClient,
    NadError,
    run_api_module,
)


def _entry(obj, action, changes=None):
    meta = obj["metadata"]
    entry = {"name": meta["name"], "namespace": meta["namespace"], "action": action,
             "changed": action in ("created", "updated", "deleted")}
    if changes:
        entry["changes"] = changes
    return entry


def _diff(key, before, after):
    return {"before": nad_model.trim(before), "after": nad_model.trim(after),
            "before_header": "%s (live)" % key, "after_header": "%s (desired)" % key}


def _apply_one(client, obj, current, state, check_mode, predicted, diffs, warn):
    """Bring one NAD to ``state``; return its result entry and append its diff.

    ``current`` is the live object from the namespace listing (None: absent). ``predicted``: its namespace exists
    only in a check-mode prediction, so nothing can be sent for it. A create that answers 409 Conflict means another
    writer created the object after the listing: kubernetes.core's k8s service reports that as unchanged with a
    warning; here the object is read back and compared, then patched when it differs, so the run still converges.
    """
    key = nad_model.key_of(obj)
    action = nad_model.decide(obj, current, state)
    if action == "created":
        if predicted:
            diffs.append(_diff(key, None, copy.deepcopy(obj)))
            return _entry(obj, action)
        try:
            after = client.create(obj, dry_run=check_mode)
        except AlreadyExists:
            meta = obj["metadata"]
            current = client.get_nad(meta["namespace"], meta["name"])
            if current is None:
                raise NadError(f"NetworkAttachmentDefinition {key} was created and deleted again by another writer "
                               "while this task ran (409 Conflict, then 404): run the task again", status=409)
            warn(f"NetworkAttachmentDefinition {key} was created by another writer between listing and creating it "
                 "(409 Conflict): compared with that object instead")
            action = nad_model.decide(obj, current, state)
        else:
            diffs.append(_diff(key, None, after))
            return _entry(obj, action)
    changes = nad_model.differences(obj, current) if action == "updated" else None
    if action == "updated":
        diffs.append(_diff(key, current, client.patch(obj, dry_run=check_mode)))
    elif action == "deleted":
        client.delete(current, dry_run=check_mode)
        diffs.append(_diff(key, current, None))
    elif action == "skipped":
        warn(f"NetworkAttachmentDefinition {key} was not deleted: it lacks the label {MANAGED_SELECTOR}, so "
             "multihomed.rke2 does not own it")
    return _entry(obj, action, changes)


def apply_definitions(params, check_mode, client_factory=NadClient, warn=None):
    """Do the work; return the module result (without 'diff' filtering). Raises ModelError or NadError."""
    warn = warn or (lambda msg: None)
    state = params["state"]
    desired = nad_model.validate_definitions(params["definitions"] or [])
    bad_ns = [ns for ns in params.get("prune_namespaces") or [] if not nad_model.is_dns1123_label(ns)]
    if bad_ns:
        verb = "is" if len(bad_ns) == 1 else "are"
        raise ModelError(["prune_namespaces: %s %s not DNS-1123 label(s)" % (", ".join(map(repr, bad_ns)), verb)])
    prune = params["prune"] and state == "present"
    if params["prune"] and state == "absent":
        warn("prune is ignored with state=absent: the listed definitions are deleted, nothing else")
    namespaces = []
    for obj in desired:
        if obj["metadata"]["namespace"] not in namespaces:
            namespaces.append(obj["metadata"]["namespace"])
    prune_only = [ns for ns in params.get("prune_namespaces") or [] if ns not in namespaces] if prune else []

    result = {"changed": False, "results": [], "diffs": [], "namespaces_created": []}
    if not desired and not prune_only:
        return result

    client = client_factory(params)

    # Namespaces: missing ones are an error for state=present unless create_namespaces.
    pending = set()  # namespaces created only by dry-run: the server knows nothing in them
    missing = []
    absent_ns = set()
    for ns in namespaces + prune_only:
        exists = client.namespace_exists(ns)
        if exists is not False:
            continue
        if state == "absent" or ns in prune_only:
            absent_ns.add(ns)
        elif params["create_namespaces"]:
            client.create_namespace(ns, dry_run=check_mode)
            result["namespaces_created"].append(ns)
            result["changed"] = True
            if check_mode:
                pending.add(ns)
        else:
            missing.append(ns)
    if missing:
        raise NadError("namespace%s %s do%s not exist: create %s first or set create_namespaces: true"
                       % ("s" if len(missing) > 1 else "", ", ".join(missing), "" if len(missing) > 1 else "es",
                          "them" if len(missing) > 1 else "it"), missing_namespaces=missing)

    live = {}
    for ns in namespaces:
        if ns in pending or ns in absent_ns:
            live[ns] = []
        else:
            live[ns] = client.list_nads(ns)
    for ns in prune_only:
        live[ns] = [] if ns in absent_ns else client.list_nads(ns, managed_only=True)
    by_key = dict((nad_model.key_of(o), o) for items in live.values() for o in items)

    for obj in desired:
        entry = _apply_one(client, obj, by_key.get(nad_model.key_of(obj)), state, check_mode,
                           obj["metadata"]["namespace"] in pending, result["diffs"], warn)
        result["changed"] = result["changed"] or entry["changed"]
        result["results"].append(entry)

    if prune:
        wanted = set(nad_model.key_of(o) for o in desired)
        for ns in namespaces + prune_only:
            for current in nad_model.prune_candidates(live[ns], wanted):
                client.delete(current, dry_run=check_mode)
                key = nad_model.key_of(current)
                result["diffs"].append(_diff(key, current, None))
                entry = _entry(current, "deleted")
                entry["pruned"] = True
                result["results"].append(entry)
                result["changed"] = True
    return result


def run_module(module):
    """Entry point used by plugins/modules/network_attachment.py."""
    def run():
        try:
            return apply_definitions(module.params, module.check_mode, warn=module.warn)
        except ModelError as exc:
            module.fail_json(msg="invalid NetworkAttachmentDefinition(s), nothing was sent to the API server:\n  - "
                             + "\n  - ".join(exc.errors), errors=exc.errors)

    run_api_module(module, run, diff_key="diffs")
