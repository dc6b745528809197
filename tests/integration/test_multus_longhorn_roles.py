# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roles multus_networks and longhorn_network against a real kube-apiserver, read back with the kubernetes client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from k8s_harness import ROOT, run_playbook

PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks")
MANAGED = {"app.kubernetes.io/managed-by": "multihomed.rke2"}


def _setting(c, name="storage-network", namespace="longhorn-system"):
    return c.custom.get_namespaced_custom_object("longhorn.io", "v1beta2", namespace, "settings", name)


def _settings(c, namespace):
    items = c.custom.list_namespaced_custom_object("longhorn.io", "v1beta2", namespace, "settings")["items"]
    return dict((o["metadata"]["name"], o["value"]) for o in items)


def _storage_nad(c, namespace):
    c.ensure_namespace(namespace)
    c.create_nad(namespace, {
        "apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": "macvlan-longhorn-dhcp", "namespace": namespace, "labels": MANAGED},
        "spec": {"config": json.dumps({"cniVersion": "0.3.1", "name": "macvlan-longhorn-dhcp", "type": "macvlan",
                                       "master": "ens224", "mode": "bridge", "ipam": {"type": "dhcp"}})}})
    return namespace + "/macvlan-longhorn-dhcp"


def test_multus_networks_role_applies_the_model_idempotently(cluster, unique_ns):
    play = os.path.join(PLAYBOOKS, "multus_networks.yml")
    extra = {"kubeconfig": cluster.kubeconfig, "test_nad_namespace": unique_ns}
    first = run_playbook(play, extra)
    assert first.rc == 0, first.failures() or first.stderr
    assert first.stats["changed"] >= 1
    live = cluster.list_nads(unique_ns)
    assert sorted(live) == ["macvlan-longhorn-dhcp", "macvlan-private-dhcp"]
    storage = live["macvlan-longhorn-dhcp"]
    assert storage["metadata"]["labels"] == MANAGED
    assert json.loads(storage["spec"]["config"]) == {
        "cniVersion": "0.3.1", "name": "macvlan-longhorn-dhcp", "type": "macvlan", "master": "ens224",
        "mode": "bridge", "ipam": {"type": "dhcp"}, "capabilities": {"mac": True}}
    services = json.loads(live["macvlan-private-dhcp"]["spec"]["config"])
    assert services["ipam"]["ranges"] == [[{"subnet": "198.18.60.0/24", "rangeStart": "198.18.60.100",
                                            "rangeEnd": "198.18.60.150"}]]
    assert cluster.core.read_namespace(unique_ns).metadata.labels.get("app.kubernetes.io/managed-by") == \
        "multihomed.rke2"

    second = run_playbook(play, extra)
    assert second.rc == 0, second.failures()
    assert second.stats["changed"] == 0, second.results("NetworkAttachmentDefinitions")

    # A managed NAD the model does not have is pruned (when asked); a hand-made one stays.
    stale = dict(storage, metadata={"name": "stale", "namespace": unique_ns, "labels": MANAGED})
    cluster.create_nad(unique_ns, stale)
    cluster.create_nad(unique_ns, dict(storage, metadata={"name": "handmade", "namespace": unique_ns}))
    third = run_playbook(play, dict(extra, prune=True))
    assert third.rc == 0, third.failures()
    assert sorted(cluster.list_nads(unique_ns)) == ["handmade", "macvlan-longhorn-dhcp", "macvlan-private-dhcp"]


def test_longhorn_network_sets_the_setting_idempotently(cluster, unique_ns):
    cluster.ensure_namespace("longhorn-system")
    cluster.ensure_namespace(unique_ns)
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    extra = {"kubeconfig": cluster.kubeconfig, "test_nad_namespace": unique_ns}
    missing = run_playbook(play, extra)
    assert missing.rc != 0
    assert any("NetworkAttachmentDefinition %s/macvlan-longhorn-dhcp does not exist" % unique_ns in m
               for m in missing.failures()), missing.failures()
    cluster.create_nad(unique_ns, {
        "apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": "macvlan-longhorn-dhcp", "namespace": unique_ns, "labels": MANAGED},
        "spec": {"config": json.dumps({"cniVersion": "0.3.1", "name": "macvlan-longhorn-dhcp", "type": "macvlan",
                                       "master": "ens224", "mode": "bridge", "ipam": {"type": "dhcp"}})}})
    first = run_playbook(play, extra)
    assert first.rc == 0, first.failures() or first.stderr
    setting = _setting(cluster)
    assert setting["value"] == unique_ns + "/macvlan-longhorn-dhcp"
    warning = first.results("Warn about attached volumes")
    assert warning and "detach every Longhorn volume" in warning[0]["msg"]
    facts = first.results("Report the role's facts")[0]["msg"]
    assert facts["helm_values"] == {"defaultSettings": {"storageNetwork": unique_ns + "/macvlan-longhorn-dhcp"}}
    assert facts["installed"] is True

    second = run_playbook(play, extra)
    assert second.rc == 0, second.failures()
    assert second.stats["changed"] == 0
    assert not second.results("Warn about attached volumes")


def test_longhorn_network_helm_values_without_longhorn(cluster, tmp_path):
    out = tmp_path / "longhorn-values.yaml"
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    run = run_playbook(play, {"kubeconfig": "/nonexistent", "longhorn_network_mode": "helm_values",
                              "longhorn_network_helm_values_file": str(out)})
    assert run.rc == 0, run.failures() or run.stderr
    values = yaml.safe_load(out.read_text())
    assert values == {"defaultSettings": {"storageNetwork": "multus-network-attachments/macvlan-longhorn-dhcp"}}
    assert "detach" in out.read_text()


def test_longhorn_network_refuses_a_default_route():
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    run = run_playbook(play, {"kubeconfig": "/nonexistent", "longhorn_network_mode": "helm_values",
                              "storage_routes": [{"dst": "198.18.0.0/16"}, {"dst": "0.0.0.0/0"}]})
    assert run.rc != 0
    assert any("carries a default route" in m for m in run.failures()), run.failures()


# RWX volumes on the storage network. Longhorn's own Setting objects are what longhorn-manager creates for every
# setting it knows (datastore/longhorn.go createNonExistingSettingCRsWithDefaultSetting); 1.11 has
# endpoint-network-for-rwx-volume and deletes storage-network-for-rwx-volume-enabled (types/setting.go
# replacedSettingNames), 1.7 to 1.10 have only the latter. Each test uses its own namespace as Longhorn's.
def test_longhorn_network_rwx_endpoint_network_from_1_11(cluster, unique_ns):
    nad = _storage_nad(cluster, unique_ns)
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    extra = {"kubeconfig": cluster.kubeconfig, "test_nad_namespace": unique_ns, "longhorn_network_rwx": True,
             "longhorn_network_version": "v1.11.0", "longhorn_network_longhorn_namespace": unique_ns}
    first = run_playbook(play, extra)
    assert first.rc == 0, first.failures() or first.stderr
    assert _settings(cluster, unique_ns) == {"storage-network": nad, "endpoint-network-for-rwx-volume": nad}
    warning = first.results("Warn about attached RWX volumes")
    assert warning and "detach every RWX volume" in warning[0]["msg"]
    facts = first.results("Report the role's facts")[0]["msg"]
    assert facts["helm_values"] == {"defaultSettings": {"storageNetwork": nad, "endpointNetworkForRWXVolume": nad}}
    assert facts["rwx_plan"]["warnings"] == []

    second = run_playbook(play, extra)
    assert second.rc == 0, second.failures()
    assert second.stats["changed"] == 0
    assert not second.results("Warn about attached RWX volumes")


def test_longhorn_network_rwx_unknown_version_follows_the_clusters_settings(cluster, unique_ns):
    nad = _storage_nad(cluster, unique_ns)
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    extra = {"kubeconfig": cluster.kubeconfig, "test_nad_namespace": unique_ns, "longhorn_network_rwx": True,
             "longhorn_network_longhorn_namespace": unique_ns}
    neither = run_playbook(play, extra)
    assert neither.rc != 0
    assert any("has neither Setting endpoint-network-for-rwx-volume" in m for m in neither.failures()), \
        neither.failures()

    # What Longhorn 1.7 to 1.10 has: the bool setting, created by longhorn-manager with its default.
    cluster.custom.create_namespaced_custom_object("longhorn.io", "v1beta2", unique_ns, "settings", {
        "apiVersion": "longhorn.io/v1beta2", "kind": "Setting",
        "metadata": {"name": "storage-network-for-rwx-volume-enabled", "namespace": unique_ns}, "value": "false"})
    run = run_playbook(play, extra)
    assert run.rc == 0, run.failures() or run.stderr
    assert _settings(cluster, unique_ns) == {"storage-network": nad, "storage-network-for-rwx-volume-enabled": "true"}
    said = [m for r in run.results("Say what") for m in r.get("msg", [])]
    assert any(m.startswith("Longhorn version is not set: cannot check RWX volumes") for m in said), said
    assert any("the cluster has the Setting storage-network-for-rwx-volume-enabled" in m for m in said), said


@pytest.mark.parametrize("version, rwx_values, said", [
    ("1.11.1", {"endpointNetworkForRWXVolume": "multus-network-attachments/macvlan-longhorn-dhcp"}, None),
    ("", {"endpointNetworkForRWXVolume": "multus-network-attachments/macvlan-longhorn-dhcp"},
     "Longhorn 1.7 to 1.10 ignores it"),
    ("v1.9.2", {}, "Longhorn v1.9.2 charts have no Helm value for storage-network-for-rwx-volume-enabled"),
])
def test_longhorn_network_rwx_helm_values(tmp_path, version, rwx_values, said):
    out = tmp_path / "longhorn-values.yaml"
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    run = run_playbook(play, {"kubeconfig": "/nonexistent", "longhorn_network_mode": "helm_values",
                              "longhorn_network_helm_values_file": str(out), "longhorn_network_rwx": True,
                              "longhorn_network_version": version})
    assert run.rc == 0, run.failures() or run.stderr
    values = yaml.safe_load(out.read_text())
    assert values == {"defaultSettings": dict(
        {"storageNetwork": "multus-network-attachments/macvlan-longhorn-dhcp"}, **rwx_values)}
    assert "detach every RWX volume" in out.read_text()
    warnings = [m for r in run.results("Say what was assumed") for m in r.get("msg", [])]
    assert (not warnings) if said is None else any(said in m for m in warnings), warnings


def test_longhorn_network_rwx_refuses_longhorn_before_1_7():
    play = os.path.join(PLAYBOOKS, "longhorn_network.yml")
    run = run_playbook(play, {"kubeconfig": "/nonexistent", "longhorn_network_mode": "helm_values",
                              "longhorn_network_rwx": True, "longhorn_network_version": "1.6.2"})
    assert run.rc != 0
    assert any("Longhorn 1.6.2 lacks RWX volumes on the storage network, by either RWX setting "
               "(longhorn_rwx_network): it needs Longhorn 1.7.0 or later" in m for m in run.failures()), run.failures()
    assert not run.results("Write the Helm values") and not run.results("Set Longhorn's storage-network Setting"), \
        "nothing after preflight"
