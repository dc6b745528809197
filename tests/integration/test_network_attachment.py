# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""multihomed.rke2.network_attachment against a real kube-apiserver with the NetworkAttachmentDefinition CRD.

Each test works in its own namespace; objects are read back with the kubernetes client, not with the module.
The test that deletes the CRD restores it, and runs last.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import threading

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_apply, nad_client
from k8s_harness import NAD_CRD, delete_crd, install_crds, run_module

MODULE = "multihomed.rke2.network_attachment"
LABEL = {"app.kubernetes.io/managed-by": "multihomed.rke2"}


def cni(name, mode="bridge", ipam=None, **extra):
    conf = {"cniVersion": "0.3.1", "name": name, "type": "macvlan", "master": "ens224", "mode": mode,
            "ipam": ipam or {"type": "host-local", "ranges": [[{"subnet": "198.18.50.0/24"}]]}}
    conf.update(extra)
    return conf


def nad(name, namespace, config=None, labels=None):
    return {
        "apiVersion": "k8s.cni.cncf.io/v1",
        "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(LABEL if labels is None else labels)},
        "spec": {"config": json.dumps(config or cni(name), separators=(",", ":"))},
    }


def args(c, definitions, **kw):
    out = {"kubeconfig": c.kubeconfig, "definitions": definitions}
    out.update(kw)
    return out


def actions(result):
    return dict(("%s/%s" % (r["namespace"], r["name"]), r["action"]) for r in result["results"])


def test_create_then_idempotent(cluster, unique_ns):
    defs = [nad("storage", unique_ns), nad("services", unique_ns, cni("services", ipam={"type": "dhcp"}))]
    first = run_module(MODULE, args(cluster, defs, create_namespaces=True))
    assert first["_rc"] == 0, first
    assert first["changed"] is True
    assert first["namespaces_created"] == [unique_ns]
    assert actions(first) == {unique_ns + "/storage": "created", unique_ns + "/services": "created"}
    live = cluster.list_nads(unique_ns)
    assert sorted(live) == ["services", "storage"]
    assert json.loads(live["storage"]["spec"]["config"]) == cni("storage")
    assert live["services"]["metadata"]["labels"] == LABEL

    second = run_module(MODULE, args(cluster, defs, create_namespaces=True))
    assert second["_rc"] == 0, second
    assert second["changed"] is False
    assert set(actions(second).values()) == {"unchanged"}
    assert second["namespaces_created"] == []


def test_update_compares_parsed_json_and_keeps_foreign_labels(cluster, unique_ns):
    cluster.ensure_namespace(unique_ns)
    assert run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))["changed"] is True
    # Someone else labels the live object: a subset comparison leaves that alone.
    cluster.custom.patch_namespaced_custom_object(
        "k8s.cni.cncf.io", "v1", unique_ns, "network-attachment-definitions", "storage",
        {"metadata": {"labels": {"team": "storage"}}})
    # Same config, other key order and spacing: unchanged.
    reordered = nad("storage", unique_ns)
    reordered["spec"]["config"] = json.dumps(dict(reversed(list(cni("storage").items()))), indent=2)
    same = run_module(MODULE, args(cluster, [reordered]))
    assert same["changed"] is False, same
    assert actions(same) == {unique_ns + "/storage": "unchanged"}

    changed = run_module(MODULE, args(cluster, [nad("storage", unique_ns, cni("storage", mode="private"))]),
                         diff=True)
    assert changed["changed"] is True
    assert changed["results"][0]["action"] == "updated"
    assert changed["results"][0]["changes"] == ["spec.config"]
    diff = changed["diff"][0]
    assert '"bridge"' in diff["before"]["spec"]["config"] and '"private"' in diff["after"]["spec"]["config"]
    live = cluster.get_nad(unique_ns, "storage")
    assert json.loads(live["spec"]["config"])["mode"] == "private"
    assert live["metadata"]["labels"] == dict(LABEL, team="storage")


def test_check_mode_writes_nothing_and_shows_a_diff(cluster, unique_ns):
    cluster.ensure_namespace(unique_ns)
    result = run_module(MODULE, args(cluster, [nad("storage", unique_ns)]), check=True, diff=True)
    assert result["_rc"] == 0, result
    assert result["changed"] is True
    assert actions(result) == {unique_ns + "/storage": "created"}
    assert result["diff"][0]["before"] == {}
    # The "after" is the server's dry-run answer: defaulted and validated by the API server.
    assert result["diff"][0]["after"]["metadata"]["name"] == "storage"
    assert cluster.list_nads(unique_ns) == {}

    assert run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))["changed"] is True
    before = cluster.get_nad(unique_ns, "storage")
    update = run_module(MODULE, args(cluster, [nad("storage", unique_ns, cni("storage", mode="vepa"))]),
                        check=True, diff=True)
    assert update["changed"] is True and update["results"][0]["action"] == "updated"
    assert '"vepa"' in update["diff"][0]["after"]["spec"]["config"]
    after = cluster.get_nad(unique_ns, "storage")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert json.loads(after["spec"]["config"])["mode"] == "bridge"

    delete = run_module(MODULE, args(cluster, [nad("storage", unique_ns)], state="absent"), check=True)
    assert delete["changed"] is True and delete["results"][0]["action"] == "deleted"
    assert "storage" in cluster.list_nads(unique_ns)


def test_check_mode_with_a_namespace_to_create(cluster, unique_ns):
    result = run_module(MODULE, args(cluster, [nad("storage", unique_ns)], create_namespaces=True), check=True)
    assert result["_rc"] == 0, result
    assert result["namespaces_created"] == [unique_ns]
    assert actions(result) == {unique_ns + "/storage": "created"}
    assert not cluster.namespace_exists(unique_ns)


def test_prune_removes_only_managed_nads(cluster, unique_ns):
    other_ns = unique_ns[:40] + "-old"
    for ns in (unique_ns, other_ns):
        cluster.ensure_namespace(ns)
    defs = [nad("keep", unique_ns), nad("stale", unique_ns)]
    assert run_module(MODULE, args(cluster, defs + [nad("gone", other_ns)]))["changed"] is True
    # Hand-made NADs without the label, in both namespaces: never touched.
    cluster.create_nad(unique_ns, nad("handmade", unique_ns, labels={}))
    cluster.create_nad(other_ns, nad("handmade", other_ns, labels={"app.kubernetes.io/managed-by": "someone"}))

    check = run_module(MODULE, args(cluster, defs[:1], prune=True, prune_namespaces=[other_ns]), check=True)
    assert check["changed"] is True
    assert sorted(cluster.list_nads(unique_ns)) == ["handmade", "keep", "stale"]

    result = run_module(MODULE, args(cluster, defs[:1], prune=True, prune_namespaces=[other_ns]))
    assert result["_rc"] == 0, result
    assert actions(result) == {unique_ns + "/keep": "unchanged", unique_ns + "/stale": "deleted",
                               other_ns + "/gone": "deleted"}
    assert all(r.get("pruned") for r in result["results"] if r["action"] == "deleted")
    assert sorted(cluster.list_nads(unique_ns)) == ["handmade", "keep"]
    assert sorted(cluster.list_nads(other_ns)) == ["handmade"]

    again = run_module(MODULE, args(cluster, defs[:1], prune=True, prune_namespaces=[other_ns]))
    assert again["changed"] is False


def test_absent(cluster, unique_ns):
    cluster.ensure_namespace(unique_ns)
    assert run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))["changed"] is True
    cluster.create_nad(unique_ns, nad("handmade", unique_ns, labels={}))
    defs = [nad("storage", unique_ns), nad("handmade", unique_ns)]
    result = run_module(MODULE, args(cluster, defs, state="absent"))
    assert result["_rc"] == 0, result
    assert actions(result) == {unique_ns + "/storage": "deleted", unique_ns + "/handmade": "skipped"}
    assert any("lacks the label" in w for w in result.get("warnings", []))
    assert sorted(cluster.list_nads(unique_ns)) == ["handmade"]
    again = run_module(MODULE, args(cluster, defs[:1], state="absent"))
    assert again["changed"] is False and actions(again) == {unique_ns + "/storage": "unchanged"}
    # A namespace that does not exist holds nothing to delete.
    gone = run_module(MODULE, args(cluster, [nad("storage", unique_ns + "-nope")], state="absent"))
    assert gone["_rc"] == 0 and gone["changed"] is False


class RacingClient(nad_client.NadClient):
    """The module's real client, plus another writer that creates each NAD of `theirs` just before our create."""

    def __init__(self, params, cluster, theirs):
        super().__init__(params)
        self.cluster, self.theirs = cluster, theirs

    def create(self, desired, dry_run):
        other = self.theirs.pop(desired["metadata"]["name"], None)
        if other is not None:
            self.cluster.create_nad(other["metadata"]["namespace"], other)
        return super().create(desired, dry_run)


# (case, the other writer's config for 'storage' (None: same as ours), check mode, expected action)
RACES = [
    ("same-object", None, False, "unchanged"),
    ("other-config", cni("storage", mode="vepa"), False, "updated"),
    ("other-config-check-mode", cni("storage", mode="vepa"), True, "updated"),
]


@pytest.mark.parametrize("theirs,check,action", [r[1:] for r in RACES], ids=[r[0] for r in RACES])
def test_create_conflict_from_another_writer_converges(cluster, unique_ns, theirs, check, action):
    """The NAD appears between the module's listing and its create: the 409 is read back, compared and patched."""
    cluster.ensure_namespace(unique_ns)
    ours = nad("storage", unique_ns)
    params = {"kubeconfig": cluster.kubeconfig, "definitions": [ours], "state": "present", "prune": False,
              "prune_namespaces": [], "create_namespaces": False}
    other = nad("storage", unique_ns, theirs)
    warnings = []
    result = nad_apply.apply_definitions(
        params, check, client_factory=lambda p: RacingClient(p, cluster, {"storage": other}), warn=warnings.append)
    assert actions(result) == {unique_ns + "/storage": action}
    assert result["changed"] is (action != "unchanged")
    assert any("409 Conflict" in w and unique_ns + "/storage" in w for w in warnings), warnings
    live = json.loads(cluster.get_nad(unique_ns, "storage")["spec"]["config"])
    assert live == (cni("storage", mode="vepa") if check and theirs else cni("storage"))
    if action == "updated":
        assert result["results"][0]["changes"] == ["spec.config"]
        assert '"mode":"vepa"' in result["diffs"][0]["before"]["spec"]["config"].replace(" ", "")
    # The next (ordinary) run finds nothing to do, unless check mode left their object in place.
    again = run_module(MODULE, args(cluster, [ours]))
    assert again["_rc"] == 0 and again["changed"] is bool(check and theirs), again


def _bad(name, mutate):
    d = nad(name, "multus", cni(name))
    conf = cni(name)
    mutate(d, conf)
    if d["spec"]["config"] == json.dumps(cni(name), separators=(",", ":")):
        d["spec"]["config"] = json.dumps(conf)
    return d


# (case, how to break a good definition, expected error text after "NetworkAttachmentDefinition 'multus/<case>'")
BAD = [
    ("unknown-cni-type", lambda d, c: c.update(type="macvlann"),
     "spec.config.type 'macvlann' is not a known CNI plugin"),
    ("unknown-ipam-type", lambda d, c: c["ipam"].update(type="dhcpd"),
     "spec.config.ipam.type 'dhcpd' is not a known IPAM plugin"),
    ("missing-ipam", lambda d, c: c.pop("ipam"), "spec.config.ipam is required for type macvlan"),
    ("bad-cni-version", lambda d, c: c.update(cniVersion="2.0.0"), "spec.config.cniVersion '2.0.0' is not supported"),
    ("missing-cni-name", lambda d, c: c.pop("name"), "spec.config.name is missing"),
    ("bad-macvlan-mode", lambda d, c: c.update(mode="bridged"), "spec.config.mode 'bridged' is not a macvlan mode"),
    ("config-not-json", lambda d, c: d["spec"].update(config="{not json"), "spec.config is not valid JSON"),
    ("missing-label", lambda d, c: d["metadata"].update(labels={}),
     "metadata.labels must contain app.kubernetes.io/managed-by=multihomed.rke2"),
    ("bad-chained-first", lambda d, c: c.update(plugins=[{"type": "tuning"}]),
     "spec.config.plugins[0].type 'tuning' is not a known CNI plugin"),
]


@pytest.fixture(scope="module")
def rejected():
    """One run with a good NAD and every bad one, against a server that cannot be reached."""
    definitions = [nad("fine", "multus")] + [_bad(case, mutate) for case, mutate, dummy in BAD]
    definitions.append(dict(nad("x", "multus"), metadata={"name": "Storage_Net", "namespace": "Multus",
                                                          "labels": LABEL}))
    return run_module(MODULE, {"host": "https://127.0.0.1:1", "api_key": "x", "validate_certs": False,
                               "definitions": definitions})


def test_bad_definitions_fail_before_any_api_call(rejected):
    assert rejected.get("failed") is True, rejected
    assert "nothing was sent to the API server" in rejected["msg"]
    assert "cannot reach" not in rejected["msg"]
    assert not any("'multus/fine'" in e for e in rejected["errors"])


@pytest.mark.parametrize("case,expected", [(b[0], b[2]) for b in BAD], ids=[b[0] for b in BAD])
def test_bad_cni_config_names_nad_and_field(rejected, case, expected):
    mine = [e for e in rejected["errors"] if e.startswith("NetworkAttachmentDefinition 'multus/%s'" % case)]
    assert len(mine) == 1, rejected["errors"]
    assert expected in mine[0]


def test_bad_names_are_reported(rejected):
    mine = [e for e in rejected["errors"] if "'Multus/Storage_Net'" in e]
    assert any("metadata.name 'Storage_Net' is not a DNS-1123 name" in e for e in mine), mine
    assert any("metadata.namespace 'Multus' is not a DNS-1123 label" in e for e in mine), mine


def test_unreachable_server_gives_a_connection_error():
    result = run_module(MODULE, {"host": "https://127.0.0.1:1", "api_key": "x", "validate_certs": False,
                                 "definitions": [nad("fine", "multus")]})
    assert result.get("failed") is True
    assert "cannot reach the Kubernetes API" in result["msg"] or "Max retries" in result["msg"], result["msg"]


def test_missing_namespace_is_a_clear_error(cluster, unique_ns):
    result = run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))
    assert result.get("failed") is True
    assert "namespace %s does not exist" % unique_ns in result["msg"]
    assert "create_namespaces: true" in result["msg"]
    assert not cluster.namespace_exists(unique_ns)


def test_create_namespaces(cluster, unique_ns):
    result = run_module(MODULE, args(cluster, [nad("storage", unique_ns)], create_namespaces=True))
    assert result["changed"] is True and result["namespaces_created"] == [unique_ns]
    ns = cluster.core.read_namespace(unique_ns)
    assert ns.metadata.labels.get("app.kubernetes.io/managed-by") == "multihomed.rke2"
    assert "storage" in cluster.list_nads(unique_ns)


def test_bad_credentials_give_a_clear_401(cluster):
    result = run_module(MODULE, {"host": cluster.server, "api_key": "not-a-token", "validate_certs": False,
                                 "definitions": [nad("storage", "default")]})
    assert result.get("failed") is True
    assert "401 Unauthorized" in result["msg"], result["msg"]


def test_zz_missing_crd_is_a_clear_error(cluster, unique_ns):
    """Deletes the NAD CRD, so it runs last and puts the CRD back."""
    cluster.ensure_namespace(unique_ns)
    # Prime the discovery cache with the CRD present: the module must still notice it is gone.
    assert run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))["_rc"] == 0
    delete_crd(cluster.api_client, NAD_CRD)
    try:
        for dummy in range(2):  # stale discovery cache, then fresh discovery
            result = run_module(MODULE, args(cluster, [nad("storage", unique_ns)]))
            assert result.get("failed") is True
            assert ("NetworkAttachmentDefinition CRD (k8s.cni.cncf.io/v1) is not installed: is Multus enabled?"
                    in result["msg"]), result["msg"]
        # Waiting (crd_wait_timeout) for a CRD that does not come: the same message, with how long it waited.
        waited = run_module(MODULE, dict(args(cluster, [nad("storage", unique_ns)]), crd_wait_timeout=2,
                                         crd_wait_delay=1))
        assert waited.get("failed") is True and "is not installed" in waited["msg"], waited
        assert "(waited 2 s)" in waited["msg"], waited["msg"]
        # Multus installs the CRD a little after RKE2 starts: the module waits for it, then applies.
        later = threading.Timer(3, install_crds, args=(cluster.api_client,), kwargs={"only": [NAD_CRD]})
        later.start()
        try:
            result = run_module(MODULE, dict(args(cluster, [nad("storage", unique_ns)]), crd_wait_timeout=60,
                                             crd_wait_delay=1))
        finally:
            later.join()
    finally:
        install_crds(cluster.api_client, only=[NAD_CRD])
    assert result["_rc"] == 0 and actions(result) == {unique_ns + "/storage": "created"}, result


def test_definitions_given_as_mappings_are_serialized(cluster, unique_ns):
    cluster.ensure_namespace(unique_ns)
    d = nad("storage", unique_ns)
    d["spec"]["config"] = copy.deepcopy(cni("storage"))
    first = run_module(MODULE, args(cluster, [d]))
    assert first["changed"] is True
    assert json.loads(cluster.get_nad(unique_ns, "storage")["spec"]["config"]) == cni("storage")
    assert run_module(MODULE, args(cluster, [d]))["changed"] is False
