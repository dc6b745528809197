# -*- coding: utf-8 -*-
# Table-driven tests of nad_model: NAD validation, comparison and the action decided for each NAD.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_model
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError

LABELS = {"app.kubernetes.io/managed-by": "multihomed.rke2"}


def conf(**kw):
    out = {"cniVersion": "0.3.1", "name": "storage", "type": "macvlan", "master": "ens224", "mode": "bridge",
           "ipam": {"type": "dhcp"}}
    out.update(kw)
    return dict((k, v) for k, v in out.items() if v is not None)


def nad(config=None, name="storage", namespace="multus", labels=None, **top):
    obj = {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
           "metadata": {"name": name, "namespace": namespace, "labels": dict(LABELS if labels is None else labels)},
           "spec": {"config": json.dumps(conf() if config is None else config)}}
    obj.update(top)
    return obj


VALID = [
    ("macvlan-dhcp", nad()),
    ("ipvlan-static", nad(conf(type="ipvlan", mode="l2",
                               ipam={"type": "static", "addresses": [{"address": "198.18.50.5/24"}]}))),
    ("bridge-l2-only", nad(conf(type="bridge", master=None, mode=None, bridge="br-storage", ipam={}))),
    ("host-device", nad(conf(type="host-device", master=None, mode=None, device="ens256", ipam=None))),
    ("conflist-with-tuning", nad({"cniVersion": "1.0.0", "name": "storage",
                                  "plugins": [conf(cniVersion=None, name=None), {"type": "tuning", "mtu": 9000}]})),
    ("dotted-name", nad(name="storage.v2")),
    ("config-as-mapping", dict(nad(), spec={"config": conf()})),
]


@pytest.mark.parametrize("definition", [v[1] for v in VALID], ids=[v[0] for v in VALID])
def test_valid_definitions(definition):
    out = nad_model.validate_definitions([definition])
    assert len(out) == 1
    assert isinstance(out[0]["spec"]["config"], str)
    assert out[0]["metadata"]["labels"] == LABELS


INVALID = [
    ("not-a-list", {"a": 1}, "definitions: must be a list"),
    ("kind", [nad(kind="ConfigMap")], "kind 'ConfigMap' must be NetworkAttachmentDefinition"),
    ("api-version", [nad(apiVersion="v1")], "apiVersion 'v1' must be k8s.cni.cncf.io/v1"),
    ("no-namespace", [nad(namespace=None)], "'None/storage' (definitions[0]): metadata.namespace None is not"),
    ("long-name", [nad(name="a" * 254)], "metadata.name"),
    ("no-label", [nad(labels={})], "metadata.labels must contain app.kubernetes.io/managed-by=multihomed.rke2"),
    ("foreign-label", [nad(labels={"app.kubernetes.io/managed-by": "helm"})], "metadata.labels must contain"),
    ("no-config", [dict(nad(), spec={})], "spec.config is required"),
    ("config-list", [dict(nad(), spec={"config": "[1]"})], "spec.config must hold a JSON object, got list"),
    ("config-int", [dict(nad(), spec={"config": 3})], "spec.config must be a JSON string, got int"),
    ("type", [nad(conf(type="flannel"))], "spec.config.type 'flannel' is not a known CNI plugin"),
    ("ipam-type", [nad(conf(ipam={"type": "calico-ipam"}))], "spec.config.ipam.type 'calico-ipam' is not a known IPAM"),
    ("ipam-missing", [nad(conf(ipam=None))], "spec.config.ipam is required for type macvlan"),
    ("ipam-not-object", [nad(conf(ipam="dhcp"))], "spec.config.ipam must be a JSON object, got str"),
    ("routes", [nad(conf(ipam={"type": "dhcp", "routes": [{"gw": "1.2.3.4"}]}))],
     "spec.config.ipam.routes must be a list of objects with 'dst'"),
    ("version", [nad(conf(cniVersion="0.2.5"))], "spec.config.cniVersion '0.2.5' is not supported"),
    ("no-version", [nad(conf(cniVersion=None))], "spec.config.cniVersion is missing"),
    ("no-name", [nad(conf(name=""))], "spec.config.name is missing"),
    ("mode", [nad(conf(type="ipvlan", mode="bridge"))], "spec.config.mode 'bridge' is not a ipvlan mode"),
    ("master", [nad(conf(master="bad name"))], "spec.config.master 'bad name' is not a valid Linux interface name"),
    ("mtu", [nad(conf(mtu=100))], "spec.config.mtu must be an integer from 576 to 9216"),
    ("host-device-no-device", [nad(conf(type="host-device", master=None, mode=None))],
     "needs one of device, hwaddr, kernelpath, pciBusID"),
    ("empty-plugins", [nad({"cniVersion": "0.3.1", "name": "x", "plugins": []})], "spec.config.plugins must be"),
    ("chained-first", [nad({"cniVersion": "0.3.1", "name": "x", "plugins": [{"type": "portmap"}]})],
     "spec.config.plugins[0].type 'portmap' is not a known CNI plugin"),
    ("duplicate", [nad(), nad()], "'multus/storage' (definitions[1]): metadata.name is also the name of definitions[0]"),
]


@pytest.mark.parametrize("definitions,expected", [v[1:] for v in INVALID], ids=[v[0] for v in INVALID])
def test_invalid_definitions(definitions, expected):
    with pytest.raises(ModelError) as exc:
        nad_model.validate_definitions(definitions)
    assert any(expected in e for e in exc.value.errors), exc.value.errors


def test_every_problem_is_listed():
    with pytest.raises(ModelError) as exc:
        nad_model.validate_definitions([nad(conf(type="x", cniVersion="9"), labels={}), nad(name="B")])
    assert len(exc.value.errors) == 4


def live(config=None, labels=None, annotations=None):
    obj = nad(config, labels=labels)
    obj["metadata"].update(uid="u", resourceVersion="7", managedFields=[{}])
    if annotations:
        obj["metadata"]["annotations"] = annotations
    return obj


DECIDE = [
    ("create", nad(), None, "present", "created", []),
    ("same", nad(), live(), "present", "unchanged", []),
    ("reordered-json", nad(), dict(live(), spec={"config": json.dumps(conf(), indent=4, sort_keys=True)}),
     "present", "unchanged", []),
    ("extra-live-label", nad(), live(labels=dict(LABELS, team="x")), "present", "unchanged", []),
    ("extra-live-annotation", nad(), live(annotations={"a": "b"}), "present", "unchanged", []),
    ("config-changed", nad(), live(conf(mode="vepa")), "present", "updated", ["spec.config"]),
    ("live-config-garbage", nad(), dict(live(), spec={"config": "{"}), "present", "updated", ["spec.config"]),
    ("label-missing-live", nad(), live(labels={}), "present", "updated",
     ["metadata.labels.app.kubernetes.io/managed-by"]),
    ("annotation-wanted", dict(nad(), metadata=dict(nad()["metadata"], annotations={"a": "b"})), live(), "present",
     "updated", ["metadata.annotations.a"]),
    ("absent-missing", nad(), None, "absent", "unchanged", []),
    ("absent-managed", nad(), live(), "absent", "deleted", []),
    ("absent-foreign", nad(), live(labels={}), "absent", "skipped", []),
]


@pytest.mark.parametrize("desired,current,state,action,changes", [d[1:] for d in DECIDE], ids=[d[0] for d in DECIDE])
def test_decide(desired, current, state, action, changes):
    desired = nad_model.validate_definitions([desired])[0]
    assert nad_model.decide(desired, current, state) == action
    if current is not None and state == "present":
        assert nad_model.differences(desired, current) == changes


def test_prune_candidates_never_include_unlabelled_or_wanted():
    items = [live(), dict(live(), metadata={"name": "old", "namespace": "multus", "labels": LABELS}),
             dict(live(), metadata={"name": "hand", "namespace": "multus"}),
             dict(live(), metadata={"name": "helm", "namespace": "multus",
                                    "labels": {"app.kubernetes.io/managed-by": "Helm"}})]
    assert [nad_model.key_of(o) for o in nad_model.prune_candidates(items, {"multus/storage"})] == ["multus/old"]


def test_merge_patch_and_trim():
    desired = nad_model.validate_definitions([nad()])[0]
    assert nad_model.merge_patch(desired) == {"metadata": {"labels": LABELS}, "spec": desired["spec"]}
    trimmed = nad_model.trim(live())
    assert set(trimmed["metadata"]) == {"name", "namespace", "labels"}
    assert nad_model.trim(None) == {}
