# -*- coding: utf-8 -*-
# The network_attachment runner with a fake API client: (live state, params) -> (actions, writes) or error text.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_client
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError

LABELS = {"app.kubernetes.io/managed-by": "multihomed.rke2"}


def nad(name, ns="multus", mode="bridge", labels=None):
    config = {"cniVersion": "0.3.1", "name": name, "type": "macvlan", "master": "ens224", "mode": mode,
              "ipam": {"type": "dhcp"}}
    return {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": name, "namespace": ns, "labels": dict(LABELS if labels is None else labels)},
            "spec": {"config": json.dumps(config)}}


class FakeClient(object):
    def __init__(self, namespaces, nads):
        self.ns = set(namespaces)
        self.nads = nads
        self.writes = []

    def __call__(self, params):
        return self

    def namespace_exists(self, name):
        return name in self.ns

    def create_namespace(self, name, dry_run):
        self.writes.append(("namespace", name, dry_run))

    def list_nads(self, namespace, managed_only=False):
        return [o for o in self.nads if o["metadata"]["namespace"] == namespace]

    def create(self, desired, dry_run):
        self.writes.append(("create", desired["metadata"]["name"], dry_run))
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
    result = nad_client.apply_definitions(args, check, client_factory=client)
    assert dict((r["name"], r["action"]) for r in result["results"]) == actions
    assert client.writes == writes
    assert result["changed"] == bool(writes)


ERRORS = [
    ("missing-namespace", [], params([nad("a")]), nad_client.NadError, "namespace multus does not exist"),
    ("invalid-before-client", None, params([nad("a", labels={})]), ModelError, "metadata.labels must contain"),
    ("bad-prune-namespace", None, params([], prune=True, prune_namespaces=["Bad"]), ModelError, "'Bad' is not"),
]


@pytest.mark.parametrize("namespaces,args,exc,text", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_runner_errors(namespaces, args, exc, text):
    def factory(p):
        if namespaces is None:
            raise AssertionError("the API client must not be created for invalid input")
        return FakeClient(namespaces, [])

    with pytest.raises(exc) as err:
        nad_client.apply_definitions(args, False, client_factory=factory)
    assert text in str(err.value)
