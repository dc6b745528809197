# -*- coding: utf-8 -*-
# Table tests of the drift report (module_utils/drift.py): host findings from hand-made nic_plan results of the
# documented shape, config.yaml findings from the rke2 role's comparison, the report, its summary and exit status.
from __future__ import annotations

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import drift
from ansible_collections.multihomed.rke2.plugins.module_utils.drift import DriftError, finding

NETPLAN = "/etc/netplan/60-multihomed.yaml"
CLEAN_NET = {"device": "ens224", "planned": ["198.18.50.21/24"], "seen": ["198.18.50.21/24"], "extra": [],
             "missing": [], "default_route_ok": True}
CLEAN = {"changed": False, "files": [{"path": NETPLAN, "state": "unchanged"}], "diff": [],
         "networks": {"storage": CLEAN_NET}, "problems": []}
PLAN = [{"network": "cluster", "device": "ens192", "gateway": "198.18.40.1", "default_route": True},
        {"network": "storage", "device": "ens224", "gateway": None, "default_route": False}]


def result(**kw):
    out = dict(CLEAN)
    out.update(kw)
    return out


def net(**kw):
    out = dict(CLEAN_NET)
    out.update(kw)
    return out


@pytest.mark.parametrize("res, expected", [
    ("clean", []),
    ("hand-changed address",
     [finding("address", "storage (ens224)", ["198.18.50.21/24"], ["198.18.50.99/24"],
              "missing 198.18.50.21/24; extra 198.18.50.99/24")]),
    ("only an extra address",
     [finding("address", "storage (ens224)", ["198.18.50.21/24"], ["198.18.50.21/24", "10.9.9.9/8"],
              "extra 10.9.9.9/8")]),
    ("default route on the wrong network",
     [finding("default_route", "default route", "via 198.18.40.1 on cluster (ens192)", "on ens224",
              "the host's default route is not the plan's")]),
    ("no default route at all",
     [finding("default_route", "default route", "via 198.18.40.1 on cluster (ens192)", "none",
              "the host's default route is not the plan's")]),
    ("file created", [finding("file", NETPLAN, "present", "absent", "nic_plan: created")]),
    ("file removed", [finding("file", "/etc/NetworkManager/system-connections/mh-old.nmconnection", "absent",
                              "present", "nic_plan: removed")]),
    ("problems", [finding("nic", "h1", "as planned", "problem", "device ens224 not found")]),
    ("changed but nothing listed", [finding("nic", "h1", "unchanged", "changed",
                                            "nic_plan would change something it did not list")]),
])
def test_nic_findings(res, expected):
    results = {
        "clean": CLEAN,
        "hand-changed address": result(changed=True, networks={"storage": net(
            seen=["198.18.50.99/24"], missing=["198.18.50.21/24"], extra=["198.18.50.99/24"])}),
        "only an extra address": result(networks={"storage": net(
            seen=["198.18.50.21/24", "10.9.9.9/8"], extra=["10.9.9.9/8"])}),
        "default route on the wrong network": result(
            networks={"cluster": net(device="ens192", planned=["198.18.40.21/24"], seen=["198.18.40.21/24"],
                                     default_route_ok=False), "storage": net(default_route_ok=False)},
            default_routes=["ens224"], default_route_planned="ens192"),
        "no default route at all": result(networks={"storage": net(default_route_ok=False)}, default_routes=[]),
        "file created": result(files=[{"path": NETPLAN, "state": "created"}], networks={}),
        "file removed": result(files=[{"path": "/etc/NetworkManager/system-connections/mh-old.nmconnection",
                                       "state": "removed"}], networks={}),
        "problems": result(problems=["device ens224 not found"]),
        "changed but nothing listed": result(changed=True),
    }
    assert drift.nic_findings(results[res], "h1", PLAN) == expected


def test_changed_file_carries_its_diff():
    res = result(changed=True, files=[{"path": NETPLAN, "state": "changed"}], networks={}, diff=[
        {"before_header": NETPLAN, "after_header": NETPLAN, "before": "a: 1\nb: 2\n", "after": "a: 1\nb: 3\n"}])
    (only,) = drift.nic_findings(res, "h1")
    assert only["kind"] == "file" and only["object"] == NETPLAN
    assert (only["expected"], only["actual"], only["detail"]) == ("as planned", "differs",
                                                                  "1 line(s) to add, 1 to remove")
    assert "-b: 2\n+b: 3" in only["diff"]


def test_default_route_without_the_plan_or_the_route_list():
    res = result(networks={"cluster": net(device="ens192", default_route_ok=False)})
    assert [(f["expected"], f["actual"]) for f in drift.nic_findings(res, "h1")] == [("as planned", "differs")]
    res = dict(res, default_route_planned="ens192", default_routes=["eth0", "ens192"])
    assert [(f["expected"], f["actual"]) for f in drift.nic_findings(res, "h1")] == [("on ens192", "on eth0, ens192")]
    no_plan = [dict(PLAN[1])]
    assert drift.nic_findings(res, "h1", no_plan)[0]["expected"] == "on ens192"


@pytest.mark.parametrize("res, actual, detail", [
    (None, "no result", "the host was unreachable or failed before it"),
    ({"failed": True, "msg": "couldn't resolve module/action 'multihomed.rke2.nic_plan'"}, "failed",
     "couldn't resolve module/action 'multihomed.rke2.nic_plan'"),
    ({"unreachable": True, "msg": "ssh: timeout"}, "unreachable", "ssh: timeout"),
    ({"skipped": True}, "skipped", ""),
])
def test_nic_results_that_did_not_run_are_unchecked(res, actual, detail):
    assert drift.nic_findings(res, "h1") == [finding("unchecked", "h1: NIC plan (nic_plan)", "checked", actual,
                                                     detail)]


@pytest.mark.parametrize("res, expected", [
    (result(files={"path": NETPLAN}), "host 'h1': nic_plan result files must be a list, got dict"),
    (result(files=[{"path": NETPLAN, "state": "edited"}]), "files[0] must be {path, state} with state one of"),
    (result(networks=[]), "networks must be a mapping, got list"),
    (result(networks={"storage": net(seen="198.18.50.21/24")}), "networks.storage.seen must be a list"),
    (result(networks={"storage": net(default_route_ok="yes")}), "networks.storage.default_route_ok must be a "
                                                                "boolean, got str"),
    (result(problems="broken"), "problems must be a list of strings"),
])
def test_nic_result_of_the_wrong_shape_names_host_and_field(res, expected):
    with pytest.raises(DriftError, match=None) as exc:
        drift.nic_findings(res, "h1")
    assert expected in str(exc.value)


PATH = "/etc/rancher/rke2/config.yaml"
RKE2_SAME = {"path": PATH, "present": True, "diff": {"changed_keys": [], "before": {}, "after": {}}, "immutable": []}


@pytest.mark.parametrize("check, expected", [
    (RKE2_SAME, []),
    (dict(RKE2_SAME, diff={"changed_keys": ["node-label"], "before": {"node-name": "w"},
                           "after": {"node-name": "w", "node-label": ["zone=a"]}}),
     [finding("rke2_config", PATH + ": node-label", ["zone=a"], None, "")]),
    (dict(RKE2_SAME, diff={"changed_keys": ["token"], "before": {"token": "********"},
                           "after": {"token": "********"}}),
     [finding("rke2_config", PATH + ": token", "********", "********", "a secret: the values are masked")]),
    (dict(RKE2_SAME, diff={"changed_keys": ["cni"], "before": {"cni": ["canal"]},
                           "after": {"cni": ["multus", "canal"]}},
          immutable=[{"key": "cni", "current": ["canal"], "wanted": ["multus", "canal"]},
                     {"key": "canal backend", "current": "vxlan", "wanted": "wireguard"}]),
     [finding("rke2_config", PATH + ": cni", ["multus", "canal"], ["canal"],
              "RKE2 cannot change it on a running cluster"),
      finding("rke2_config", PATH + ": canal backend", "wireguard", "vxlan",
              "RKE2 cannot change it on a running cluster")]),
    (dict(RKE2_SAME, present=False), [finding("rke2_config", PATH, "present", "absent",
                                              "RKE2's config.yaml is missing")]),
    ({"error": "rke2_token is not set for h1"}, [finding("unchecked", "h1: config.yaml", "checked", "not compared",
                                                         "rke2_token is not set for h1")]),
    (None, [finding("unchecked", "h1: config.yaml", "checked", "no result",
                    "the host was unreachable or failed before it")]),
])
def test_rke2_findings(check, expected):
    assert drift.rke2_findings(check, "h1") == expected


ADDR = finding("address", "storage (ens224)", ["198.18.50.21/24"], ["198.18.50.99/24"], "missing 198.18.50.21/24")
NAD = finding("nad", "ns/storage", {"spec.config.master": "ens224"}, {"spec.config.master": "eth9"},
              "differs: spec.config.master")
GONE = finding("unchecked", "h2: NIC plan (nic_plan)", "checked", "unreachable", "")


@pytest.mark.parametrize("hosts, cluster, status, code", [
    ({"h1": [], "h2": []}, [], "clean", 0),
    ({"h1": [ADDR], "h2": []}, [NAD], "drift", 1),
    ({"h1": [ADDR], "h2": [GONE]}, [], "incomplete", 2),
    ({}, [NAD], "drift", 1),
])
def test_report_status_and_exit_code(hosts, cluster, status, code):
    report = drift.build(hosts, cluster)
    assert (report["status"], report["clean"], drift.exit_code(report)) == (status, status == "clean", code)
    assert report["version"] == drift.DRIFT_VERSION
    assert sorted(report["hosts"]) == sorted(hosts)


def test_report_counts_and_rejects_non_findings():
    report = drift.build({"h1": [ADDR, ADDR]}, [NAD], notes=["n"])
    assert report["counts"] == {"address": 2, "nad": 1} and report["notes"] == ["n"]
    with pytest.raises(DriftError, match="is not a finding"):
        drift.build({"h1": [{"kind": "weird"}]}, [])
    with pytest.raises(DriftError, match="kind 'weird' is not one of"):
        finding("weird", "x", 1, 2)


def test_summary_clean():
    assert drift.summary(drift.build({"h1": [], "h2": []}, [])) == \
        "no drift in 2 host(s) and the cluster API: everything matches the model"
    assert drift.summary(drift.build({"h1": []}, [], cluster_checked=False, notes=["x"])) == \
        "no drift in 1 host(s): everything matches the model\nnote: x"
    assert drift.summary(drift.build({}, [])).startswith("no drift in the cluster API:")


def test_summary_one_line_per_finding():
    text = drift.summary(drift.build({"h1": [ADDR], "h2": []}, [NAD]))
    lines = text.splitlines()
    assert lines[0] == "drift (drift, exit 1): 2 finding(s) in 2 host(s) and the cluster API"
    assert lines[1].split() == ["host", "kind", "object", "expected", "actual", "detail"]
    assert len(lines) == 5
    assert lines[3].split()[:5] == ["h1", "address", "storage", "(ens224)", "198.18.50.21/24"]
    assert lines[4].split()[:3] == ["cluster", "nad", "ns/storage"]
    assert "spec.config.master=eth9" in lines[4]


def test_summary_shortens_long_cells():
    long = finding("nad", "ns/" + "x" * 60, "a" * 100, None, "")
    line = drift.summary(drift.build({}, [long])).splitlines()[3]
    assert "a" * 45 + "..." in line and "(none)" in line and "ns/" + "x" * 60 in line


@pytest.mark.parametrize("checks, kinds", [
    ({"nic_plan": CLEAN, "rke2_config": RKE2_SAME}, []),
    ({"nic_plan": result(problems=["x"]), "rke2_config": dict(RKE2_SAME, present=False)}, ["nic", "rke2_config"]),
    ({"nic_plan": CLEAN}, []),  # the config.yaml check switched off
    ({}, []),
    (None, ["unchecked"]),
    ({"nic_plan": None, "rke2_config": RKE2_SAME}, ["unchecked"]),
])
def test_host_findings(checks, kinds):
    assert [f["kind"] for f in drift.host_findings("h1", checks, PLAN)] == kinds
