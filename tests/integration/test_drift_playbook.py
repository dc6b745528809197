# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/drift.yml, cluster API part, against a real kube-apiserver: the model's NADs and Longhorn's setting are
applied with playbooks/multus.yml, then drift reads them back. Clean: no drift, exit 0. A NAD's config changed
through the API: exactly that NAD is named, with the field, and the run fails. Longhorn's setting changed: named.
The drift run itself changes nothing in the API (resourceVersions stay). The host part (nic_plan on the lab) is not
run here: multihomed_drift_hosts=false."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from k8s_harness import ROOT, _parse, _tool, ansible_env

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import awx_job  # noqa: E402  pylint: disable=wrong-import-position

NAD = "macvlan-longhorn-dhcp"
SETTING = ("longhorn.io", "v1beta2", "longhorn-system", "settings", "storage-network")
HOSTS = {"all": {"vars": {"ansible_connection": "local",
                          "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                 "children": {"rke2_cluster": {"children": {
                     "rke2_servers": {"hosts": {"s1": {"multihomed_addresses": {"cluster": "198.18.40.11"}}}},
                     "rke2_agents": {"hosts": {"a1": {"multihomed_addresses": {"cluster": "198.18.40.21",
                                                                               "services": "198.18.60.21"}}}}}}}}}


@pytest.fixture
def inventory(tmp_path):
    """Two nodes (never contacted here) and the reference lab's networks, as tests/integration/playbooks use them."""
    inv = tmp_path / "inventory"
    (inv / "group_vars" / "all").mkdir(parents=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump(HOSTS))
    shutil.copy(os.path.join(ROOT, "tests", "integration", "playbooks", "vars", "networks.yml"),
                inv / "group_vars" / "all" / "networks.yml")
    return str(inv)


def playbook(inventory, name, extra):
    env = ansible_env({"ANSIBLE_SHOW_CUSTOM_STATS": "1"})
    cmd = [_tool("ansible-playbook"), "-i", inventory, os.path.join("playbooks", name), "-e", json.dumps(extra)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc, _parse(proc)


def drift(inventory, extra, path):
    proc, data = playbook(inventory, "drift.yml", dict(extra, multihomed_drift_hosts=False,
                                                       multihomed_drift_report_path=str(path)))
    with open(path) as f:
        report = json.load(f)
    return proc.returncode, report, data


def versions(cluster, ns):
    out = {name: obj["metadata"]["resourceVersion"] for name, obj in cluster.list_nads(ns).items()}
    out["setting"] = cluster.custom.get_namespaced_custom_object(*SETTING)["metadata"]["resourceVersion"]
    return out


def test_drift_names_exactly_what_changed_in_the_api(cluster, unique_ns, inventory, tmp_path):
    cluster.ensure_namespace("longhorn-system")
    extra = {"multihomed_kubeconfig": cluster.kubeconfig, "test_nad_namespace": unique_ns}
    proc, data = playbook(inventory, "multus.yml", extra)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert cluster.custom.get_namespaced_custom_object(*SETTING)["value"] == f"{unique_ns}/{NAD}"

    # Clean: no drift, exit 0, the report written and handed to AWX; nothing in the API changed.
    before = versions(cluster, unique_ns)
    rc, report, data = drift(inventory, extra, tmp_path / "clean.json")
    assert rc == 0, report["summary"]
    assert (report["clean"], report["status"], report["exit_code"]) == (True, "clean", 0)
    assert report["hosts"] == {} and report["cluster"] == [] and report["cluster_checked"] is True
    assert report["summary"].startswith("no drift in the cluster API: everything matches the model")
    assert data["global_custom_stats"]["multihomed_drift"] == report
    assert versions(cluster, unique_ns) == before

    # A NAD's config changed through the API: exactly that NAD, the field, and a failed run.
    live = cluster.get_nad(unique_ns, NAD)
    config = json.loads(live["spec"]["config"])
    cluster.custom.patch_namespaced_custom_object("k8s.cni.cncf.io", "v1", unique_ns, "network-attachment-definitions",
                                                  NAD, {"spec": {"config": json.dumps(dict(config, master="eth9"))}})
    rc, report, data = drift(inventory, extra, tmp_path / "nad.json")
    assert rc != 0
    assert (report["clean"], report["status"], report["exit_code"]) == (False, "drift", 1)
    assert report["cluster"] == [{"kind": "nad", "object": f"{unique_ns}/{NAD}",
                                  "expected": {"spec.config.master": "ens224"},
                                  "actual": {"spec.config.master": "eth9"}, "detail": "differs: spec.config.master"}]
    assert any("drift drift (exit status 1)" in (r.get("msg") or "")
               for play in data["plays"] for t in play["tasks"] for r in t["hosts"].values())
    lines = report["summary"].splitlines()
    assert lines[0] == "drift (drift, exit 1): 1 finding(s) in the cluster API"
    assert f"{unique_ns}/{NAD}" in lines[3] and "spec.config.master=eth9" in lines[3]
    assert lines[4:] == ["note: hosts not checked (the host part was switched off)"]

    # Converged again by multus.yml, then Longhorn's setting changed through the API: named, alone.
    proc, _data = playbook(inventory, "multus.yml", extra)
    assert proc.returncode == 0, proc.stdout[-3000:]
    cluster.custom.patch_namespaced_custom_object(*SETTING, {"value": "kube-system/someone-elses-nad"})
    rc, report, _data = drift(inventory, extra, tmp_path / "longhorn.json")
    assert rc != 0 and report["exit_code"] == 1
    assert report["cluster"] == [{
        "kind": "longhorn_setting", "object": "Setting longhorn-system/storage-network",
        "expected": f"{unique_ns}/{NAD}", "actual": "kube-system/someone-elses-nad",
        "detail": "instance managers get lhnet1 on the NAD this names; change it only with every volume detached"}]


def test_drift_job_template_as_awx_runs_it(cluster, unique_ns, inventory, tmp_path, monkeypatch):
    """The drift job template through ansible-runner: survey answers switch the node checks off (the lab's nic_plan
    run is not part of this test), the hosts are still listed, the run succeeds on a clean cluster and the report is
    the job's artifact (artifact_data of the playbook_on_stats event, which AWX stores as the job's artifacts)."""
    cluster.ensure_namespace("longhorn-system")
    proc, _data = playbook(inventory, "multus.yml", {"multihomed_kubeconfig": cluster.kubeconfig,
                                                     "test_nad_namespace": unique_ns})
    assert proc.returncode == 0, proc.stdout[-3000:]
    hosts = yaml.safe_load(open(os.path.join(inventory, "hosts.yml")))
    hosts["all"]["vars"]["test_nad_namespace"] = unique_ns
    with open(os.path.join(inventory, "hosts.yml"), "w") as f:
        yaml.safe_dump(hosts, f)
    pdd = str(tmp_path / "job")
    monkeypatch.setenv("PWD", str(tmp_path))  # the report's default place: the working directory
    result = awx_job.run(pdd, "drift", inventory, answers={
        "multihomed_kubeconfig": cluster.kubeconfig, "multihomed_drift_nics": "false", "multihomed_drift_rke2": "false"})
    stdout = open(os.path.join(pdd, "artifacts", "1", "stdout")).read()
    assert (result.status, result.rc) == ("successful", 0), stdout[-4000:]
    events = os.path.join(pdd, "artifacts", "1", "job_events")
    (stats,) = [e for e in (json.load(open(os.path.join(events, n))) for n in sorted(os.listdir(events)))
                if e["event"] == "playbook_on_stats"]
    artifact = stats["event_data"]["artifact_data"]["multihomed_drift"]
    assert artifact["clean"] is True and artifact["hosts"] == {"a1": [], "s1": []}
    assert json.loads((tmp_path / "multihomed-drift.json").read_text()) == artifact
    assert "no drift in 2 host(s) and the cluster API" in stdout


def test_drift_without_an_api_is_incomplete_not_clean(inventory, tmp_path):
    rc, report, _data = drift(inventory, {"multihomed_kubeconfig": "/nonexistent"}, tmp_path / "none.json")
    assert rc != 0
    assert (report["status"], report["exit_code"]) == ("incomplete", 2)
    assert [f["kind"] for f in report["cluster"]] == ["unchecked", "unchecked"]


def test_drift_playbook_syntax():
    env = ansible_env()
    proc = subprocess.run([_tool("ansible-playbook"), "--syntax-check", "playbooks/drift.yml"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
