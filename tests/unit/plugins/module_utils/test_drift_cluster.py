# -*- coding: utf-8 -*-
# Table tests of drift on the cluster API (module_utils/drift_cluster.py): the model's NADs and Longhorn's
# storage-network Setting against hand-made k8s_info results.
from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import drift_cluster as dc
from ansible_collections.multihomed.rke2.plugins.module_utils.drift import finding

MANAGED = {"app.kubernetes.io/managed-by": "multihomed.rke2"}
CONFIG = {"cniVersion": "0.3.1", "name": "storage", "type": "macvlan", "master": "ens224", "mode": "bridge",
          "ipam": {"type": "whereabouts", "range": "198.18.50.0/24", "exclude": ["198.18.50.1/32"]}}


def nad(name="storage", ns="mna", labels=None, config=None, **extra):
    meta = {"name": name, "namespace": ns, "labels": dict(MANAGED if labels is None else labels)}
    meta.update(extra)
    return {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": meta,
            "spec": {"config": json.dumps(CONFIG if config is None else config, separators=(",", ":"))}}


def live(*items, api_found=True):
    return {"changed": False, "api_found": api_found, "resources": list(items)}


def config(**kw):
    out = copy.deepcopy(CONFIG)
    out.update(kw)
    return out


DESIRED = [nad()]
SERVER_SIDE = {"uid": "u-1", "resourceVersion": "7", "creationTimestamp": "2025-01-01T00:00:00Z"}


@pytest.mark.parametrize("result, expected", [
    (live(nad(**SERVER_SIDE)), []),
    # key order and spacing of spec.config do not matter; other labels (people, controllers) are left alone
    (live(dict(nad(labels=dict(MANAGED, team="net")), spec={"config": json.dumps(CONFIG, indent=2)})), []),
    (live(), [finding("nad", "mna/storage", "present", "absent", "the model's NAD is not in the cluster")]),
    (live(nad(config=config(master="eth9"))),
     [finding("nad", "mna/storage", {"spec.config.master": "ens224"}, {"spec.config.master": "eth9"},
              "differs: spec.config.master")]),
    (live(nad(config=config(ipam={"type": "whereabouts", "range": "198.18.50.0/24"}, mtu=9000))),
     [finding("nad", "mna/storage", {"spec.config.ipam.exclude": ["198.18.50.1/32"], "spec.config.mtu": None},
              {"spec.config.ipam.exclude": None, "spec.config.mtu": 9000},
              "differs: spec.config.ipam.exclude, spec.config.mtu")]),
    (live(nad(labels={})),
     [finding("nad", "mna/storage", {"metadata.labels.app.kubernetes.io/managed-by": "multihomed.rke2"},
              {"metadata.labels.app.kubernetes.io/managed-by": None},
              "differs: metadata.labels.app.kubernetes.io/managed-by")]),
    (live(dict(nad(), spec={"config": "{not json"})),
     [finding("nad", "mna/storage", {"spec.config": CONFIG}, {"spec.config": "{not json"}, "differs: spec.config")]),
    # a managed NAD the model dropped is named; a hand-made one never
    (live(nad(), nad(name="old"), nad(name="handmade", labels={})),
     [finding("nad", "mna/old", "absent", "present",
              "labelled app.kubernetes.io/managed-by=multihomed.rke2 but not in the model (prune would delete it)")]),
    (live(api_found=False),
     [finding("nad", "CustomResourceDefinition k8s.cni.cncf.io/v1", "served", "not served",
              "Multus's NAD CRD is missing: the model's 1 NAD(s) cannot exist")]),
    ({"failed": True, "msg": "401 Unauthorized"},
     [finding("unchecked", "NetworkAttachmentDefinitions", "read from the API", "not read", "401 Unauthorized")]),
    ({"changed": False, "msg": "Failed to load kubeconfig"},
     [finding("unchecked", "NetworkAttachmentDefinitions", "read from the API", "not read",
              "Failed to load kubeconfig")]),
])
def test_nad_findings(result, expected):
    assert dc.nad_findings(DESIRED, result) == expected


def test_managed_leftovers_only_in_the_models_namespaces_and_those_named():
    result = live(nad(), nad(name="old", ns="elsewhere"), nad(name="older", ns="retired"))
    assert dc.nad_findings(DESIRED, result) == []
    assert [f["object"] for f in dc.nad_findings(DESIRED, result, ["retired"])] == ["retired/older"]


@pytest.mark.parametrize("want, have, expected", [
    ({"a": 1}, {"a": 1}, []),
    ({"a": {"b": [1, 2]}}, {"a": {"b": [2, 1]}}, [("a.b", [1, 2], [2, 1])]),
    ({"a": 1}, {"b": 1}, [("a", 1, None), ("b", None, 1)]),
    ({"a": {"b": 1}}, {"a": "x"}, [("a", {"b": 1}, "x")]),
])
def test_changes(want, have, expected):
    assert dc.changes(want, have) == expected


REPORT = {"networks": ["cluster", "storage"], "storage_candidates": ["storage"],
          "attachments": {"storage": {"namespace": "mna", "name": "storage"}}}


def test_longhorn_expected():
    assert dc.longhorn_expected(REPORT) == "mna/storage"
    assert dc.longhorn_expected(dict(REPORT, storage_candidates=[])) is None


def setting(value, applied=None, name="storage-network"):
    obj = {"apiVersion": "longhorn.io/v1beta2", "kind": "Setting",
           "metadata": {"name": name, "namespace": "longhorn-system"}, "value": value}
    if applied is not None:
        obj["status"] = {"applied": applied}
    return obj


WHAT = "Setting longhorn-system/storage-network"


@pytest.mark.parametrize("expected, result, findings, notes", [
    ("mna/storage", live(setting("mna/storage", applied=True)), [], []),
    ("mna/storage", live(setting("mna/storage")), [], []),
    ("mna/storage", live(setting("other/nad")),
     [finding("longhorn_setting", WHAT, "mna/storage", "other/nad", "instance managers get lhnet1 on the NAD this "
              "names; change it only with every volume detached")], []),
    ("mna/storage", live(setting("")),
     [finding("longhorn_setting", WHAT, "mna/storage", "(empty: the cluster network)", "instance managers get "
              "lhnet1 on the NAD this names; change it only with every volume detached")], []),
    ("mna/storage", live(), [finding("longhorn_setting", WHAT, "mna/storage", None, "the Setting does not exist")],
     []),
    ("mna/storage", live(setting("mna/storage", applied=False)), [],
     [WHAT + " has the model's value but Longhorn has not applied it yet (volumes attached?)"]),
    ("mna/storage", live(api_found=False), [],
     ["Longhorn is not installed (no settings.longhorn.io): storage-network not compared (the model wants "
      "mna/storage; the Helm value is defaultSettings.storageNetwork)"]),
    (None, live(setting("x")), [],
     ["no storage network with an attachment in the model: Longhorn's storage-network not compared"]),
    ("mna/storage", {"failed": True, "msg": "403"},
     [finding("unchecked", WHAT, "read from the API", "not read", "403")], []),
])
def test_longhorn_findings(expected, result, findings, notes):
    assert dc.longhorn_findings(expected, result) == (findings, notes)
