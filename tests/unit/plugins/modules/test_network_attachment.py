# -*- coding: utf-8 -*-
# The network_attachment runner with a fake API client: (live state, params) -> (actions, writes) or error text.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_apply, nad_client
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError

LABELS = {"app.kubernetes.io/managed-by": "multihomed.rke2"}


def nad(name, ns="multus", mode="bridge", labels=None):
    config = {"cniVersion": "0.3.1", "name": name, "type": "macvlan", "master": "ens224", "mode": mode,
              "ipam": {"type": "dhcp"}}
    return {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": name, "namespace": ns, "labels": dict(LABELS if labels is None else labels)},
            "spec": {"config": json.dumps(config)}}


class FakeClient(object):
    def __init__(self, namespaces, nads, racing=None):
        self.ns = set(namespaces)
        self.nads = list(nads)
        # name -> the object another writer creates after our listing, just before our create (None: and deletes)
        self.racing = dict(racing or {})
        self.writes = []

    def __call__(self, params):
        return self

    def namespace_exists(self, name):
        return name in self.ns

    def create_namespace(self, name, dry_run):
        self.writes.append(("namespace", name, dry_run))

    def list_nads(self, namespace, managed_only=False):
        return [o for o in self.nads if o["metadata"]["namespace"] == namespace]

    def get_nad(self, namespace, name):
        return next((o for o in self.nads if o["metadata"]["namespace"] == namespace and o["metadata"]["name"] == name),
                    None)

    def create(self, desired, dry_run):
        self.writes.append(("create", desired["metadata"]["name"], dry_run))
        name = desired["metadata"]["name"]
        if name in self.racing:
            other = self.racing.pop(name)
            if other is not None:
                self.nads.append(other)
            raise nad_client.AlreadyExists("409 Conflict", status=409)
        return desired

    def patch(self, desired, dry_run):
        self.writes.append(("patch", desired["metadata"]["name"], dry_run))
        return desired

    def delete(self, live, dry_run):
        self.writes.append(("delete", live["metadata"]["name"], dry_run))


def params(definitions, **kw):
    out = {"definitions": definitions, "state": "present", "prune": False, "prune_namespaces": [],
           "create_namespaces": False}
    out.update(kw)
    return out


CASES = [
    ("create", ["multus"], [], params([nad("a")]), False, {"a": "created"}, [("create", "a", False)]),
    ("unchanged", ["multus"], [nad("a")], params([nad("a")]), False, {"a": "unchanged"}, []),
    ("update", ["multus"], [nad("a", mode="vepa")], params([nad("a")]), False, {"a": "updated"},
     [("patch", "a", False)]),
    ("check-mode-dry-runs", ["multus"], [nad("a", mode="vepa")], params([nad("a"), nad("b")]), True,
     {"a": "updated", "b": "created"}, [("patch", "a", True), ("create", "b", True)]),
    ("prune-managed-only", ["multus"], [nad("a"), nad("old"), nad("hand", labels={})], params([nad("a")], prune=True),
     False, {"a": "unchanged", "old": "deleted"}, [("delete", "old", False)]),
    ("absent", ["multus"], [nad("a"), nad("hand", labels={})], params([nad("a"), nad("hand")], state="absent"), False,
     {"a": "deleted", "hand": "skipped"}, [("delete", "a", False)]),
    ("absent-missing-namespace", [], [], params([nad("a")], state="absent"), False, {"a": "unchanged"}, []),
    ("create-namespace-check-mode", [], [], params([nad("a")], create_namespaces=True), True, {"a": "created"},
     [("namespace", "multus", True)]),
]


@pytest.mark.parametrize("namespaces,live,args,check,actions,writes", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_runner(namespaces, live, args, check, actions, writes):
    client = FakeClient(namespaces, live)
    result = nad_apply.apply_definitions(args, check, client_factory=client)
    assert dict((r["name"], r["action"]) for r in result["results"]) == actions
    assert client.writes == writes
    assert result["changed"] == bool(writes)


# Another writer creates the NAD between our listing and our create: the create answers 409, the module reads the
# object back and converges (patch when it differs), warning about the race.
# (case, the NAD 'a' the other writer creates, params, check mode, actions, writes)
CONFLICTS = [
    ("same-object", nad("a"), params([nad("a")]), False, {"a": "unchanged"}, [("create", "a", False)]),
    ("other-config", nad("a", mode="vepa"), params([nad("a")]), False, {"a": "updated"},
     [("create", "a", False), ("patch", "a", False)]),
    ("unlabelled", nad("a", labels={}), params([nad("a")]), False, {"a": "updated"},
     [("create", "a", False), ("patch", "a", False)]),
    ("check-mode", nad("a", mode="vepa"), params([nad("a"), nad("b")]), True, {"a": "updated", "b": "created"},
     [("create", "a", True), ("patch", "a", True), ("create", "b", True)]),
]


@pytest.mark.parametrize("racing,args,check,actions,writes", [c[1:] for c in CONFLICTS], ids=[c[0] for c in CONFLICTS])
def test_create_conflict_converges(racing, args, check, actions, writes):
    client = FakeClient(["multus"], [], racing={"a": racing})
    warnings = []
    result = nad_apply.apply_definitions(args, check, client_factory=client, warn=warnings.append)
    assert dict((r["name"], r["action"]) for r in result["results"]) == actions
    assert client.writes == writes
    assert result["changed"] == any(a != "unchanged" for a in actions.values())
    assert warnings == ["NetworkAttachmentDefinition multus/a was created by another writer between listing and "
                        "creating it (409 Conflict): compared with that object instead"]
    updated = [r for r in result["results"] if r["action"] == "updated"]
    assert all(r["changes"] for r in updated)


ERRORS = [
    ("missing-namespace", [], params([nad("a")]), nad_client.NadError, "namespace multus does not exist"),
    ("invalid-before-client", None, params([nad("a", labels={})]), ModelError, "metadata.labels must contain"),
    ("bad-prune-namespace", None, params([], prune=True, prune_namespaces=["Bad"]), ModelError, "'Bad' is not"),
    ("conflict-then-gone", ["multus"], params([nad("a")]), nad_client.NadError,
     "multus/a was created and deleted again by another writer while this task ran (409 Conflict, then 404)"),
]


@pytest.mark.parametrize("namespaces,args,exc,text", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_runner_errors(namespaces, args, exc, text):
    def factory(p):
        if namespaces is None:
            raise AssertionError("the API client must not be created for invalid input")
        # Every case races on 'a' (created, then deleted again by another writer): only conflict-then-gone gets
        # as far as creating it.
        return FakeClient(namespaces, [], racing={"a": None})

    with pytest.raises(exc) as err:
        nad_apply.apply_definitions(args, False, client_factory=factory)
    assert text in str(err.value)
