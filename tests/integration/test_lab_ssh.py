# -*- coding: utf-8 -*-
"""Issue 12 on the 6-host lab, over SSH as users reach their VMs (scripts/lab.sh, inventories/lab).

In order, on a lab made fresh for this module (hosts as an installer leaves them):
1. check mode on the bare lab writes nothing (checksums of every network file and `ip -j addr` before == after) and
   its diff lists every file it would write;
2. network.yml converges, a second run reports changed=0 on every host;
3. failure cases, in one run of the role's apply step (tests/lab/break_network.yml) plus a second, killed run:
   - mh-cpl-1's cluster address moved out from under the SSH session: cut off, it rolls back by itself within the
     timeout, answers on its old address, its files are the old ones byte for byte, the error names host and network;
   - mh-wrk-2's storage address with a wrong prefix (/32): its peers do not answer, it is rolled back; mh-wrk-1 and
     mh-wrk-3 (a harmless MTU change in the same run) keep theirs;
   - mh-cpl-2: the controller is SIGKILLed right after the apply started: the host rolls back by itself;
4. the corrected re-run converges; the run after it reports changed=0;
5. drift (playbooks/drift.yml, issue 15) on the converged lab with the model's NADs in a real kube-apiserver: clean
   at first (exit 0); then an address changed by hand on mh-wrk-1 and a NAD's config changed through the API: the
   report names exactly those two, on the right host and object, and nothing changed anywhere;
6. the reference write-ups reproduced (tests/lab/reproduce_writeups.yml, issue 13: net-tools with net1/net2 from the
   write-up's annotation and a page from the web server over net2, Longhorn's lhnet1 on every agent, the 2018
   macvlan-conf pod with its default route via net1); the playbook asserts interface names, CIDRs, routes and
   reachability itself, through the Multus/Longhorn stand-in (tests/lab/multus_standin.py, docs/lab.md);
7. the job templates "site" and "drift" run as AWX runs them (ansible-runner, scripts/awx_job.py) against the lab,
   the token given only through the "RKE2 token" credential: both succeed, the token is on the hosts only in
   config.yaml (0600) and nowhere in the runner's artifacts or job events (issue 15);
8. the same hosts converged to inventories/lab-dualstack (issue 14): the cluster network dual-stack, storage IPv6
   only: every host has both families on ens192 and exactly one default route per family, agents have their IPv6
   storage address and no IPv4 left there; pods on two agents attached from the model's IPv6 NAD (the real macvlan
   and host-local plugins, addresses requested through the ips capability as Multus passes them) reach each other
   over IPv6; the second run reports changed=0.
The hosts are observed through `podman exec` (a VM console): it works also when SSH does not.
"""
from __future__ import annotations

import json
import os
import re
import sys
import uuid
import signal
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLLBACK = 40  # tests/lab/break_network.yml's node_network_rollback_timeout
SERVERS = ["mh-cpl-1", "mh-cpl-2", "mh-cpl-3"]
AGENTS = ["mh-wrk-1", "mh-wrk-2", "mh-wrk-3"]
FILES = "/etc/netplan /etc/systemd/network /etc/NetworkManager/system-connections /etc/NetworkManager/conf.d"

pytestmark = pytest.mark.lab


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True, check=check, **kw)


def console(host, command):
    return sh("podman", "exec", host, "sh", "-c", command).stdout


def snapshot(host):
    """Checksums of every file under the network directories, and the addresses (no dynamic fields)."""
    files = console(host, f"find {FILES} -type f 2>/dev/null | sort | xargs -r sha256sum")
    addrs = sorted((link["ifname"], link.get("mtu"),
                    tuple(sorted(f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []))))
                   for link in json.loads(console(host, "ip -j addr show")))
    return files, addrs


def playbook(*args, env=None, inventory="inventories/lab"):
    e = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_CONFIG=f"{ROOT}/ansible.cfg",
             PATH=f"{ROOT}/.venv/bin:" + os.environ["PATH"], **(env or {}))
    proc = subprocess.run(["ansible-playbook", "-i", inventory, *args], cwd=ROOT, capture_output=True,
                          text=True, env=e, check=False)
    try:
        return proc.returncode, json.loads(proc.stdout[proc.stdout.index("{"):]), proc.stderr
    except ValueError:
        pytest.fail(f"ansible-playbook {args}: no JSON (rc {proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}")


def results(out, task_prefix):
    """host -> result of the task whose name starts with task_prefix (last play that ran it)."""
    found = {}
    for play in out["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].startswith(task_prefix):
                found.update(task["hosts"])
    return found


@pytest.fixture(scope="module")
def lab():
    sh("scripts/lab.sh", "down")
    sh("scripts/lab.sh", "up", timeout=300)
    yield
    # Left up for a look (make lab-down removes it); the next run of this module starts it fresh.


def test_check_mode_on_bare_lab_writes_nothing_and_diffs_every_file(lab):
    before = {h: snapshot(h) for h in SERVERS + AGENTS}
    rc, out, err = playbook("playbooks/network.yml", "--check", "--diff")
    assert rc == 0, err
    assert {h: snapshot(h) for h in SERVERS + AGENTS} == before
    pre = results(out, "multihomed.rke2.node_network : Preflight | render")
    shim = ["/etc/systemd/network/10-netplan-ens256.network.d/60-multihomed-shim.conf",
            "/etc/systemd/network/60-multihomed-mh-services.netdev",
            "/etc/systemd/network/60-multihomed-mh-services.network"]
    for host in SERVERS + AGENTS:
        want = {"/etc/netplan/60-multihomed.yaml": "created", "/etc/netplan/00-installer-config.yaml": "removed",
                "/etc/netplan/00-installer-config.yaml.multihomed-disabled": "created",
                # RKE2's NetworkManager fix: NetworkManager is installed (not running) on the lab's hosts
                "/etc/NetworkManager/conf.d/rke2-canal.conf": "created"}
        want.update({p: "created" for p in (shim if host in AGENTS else [])})
        res = pre[host]
        assert res["changed"] and {f["path"]: f["state"] for f in res["files"]} == want, host
        headers = {d["after_header"] if d["after_header"] != "/dev/null" else d["before_header"] for d in res["diff"]}
        assert headers == set(want), host
        assert "198.18.40." in next(d["after"] for d in res["diff"] if d["after_header"].endswith("60-multihomed.yaml"))


def failures(out):
    return [f"{h}: {t['task']['name']}: {r.get('msg')}" for p in out["plays"] for t in p["tasks"]
            for h, r in t["hosts"].items() if r.get("failed") or r.get("unreachable")]


def converge(*limit):
    rc, out, err = playbook("playbooks/network.yml", *(("-l", ",".join(limit)) if limit else ()))
    assert rc == 0, "\n".join(failures(out)) + err[-3000:]
    return out


def test_converges_then_changed_zero(lab):
    first = converge()
    assert all(s["changed"] > 0 for h, s in first["stats"].items() if h in SERVERS + AGENTS)
    second = converge()
    changed = {h: s["changed"] for h, s in second["stats"].items() if h in SERVERS + AGENTS}
    assert changed == dict.fromkeys(SERVERS + AGENTS, 0)
    # nothing is left armed: every host confirmed its change
    for host in SERVERS + AGENTS:
        assert console(host, "test -d /var/lib/multihomed-rke2/nic-plan/pending && echo armed || true").strip() == ""


def test_rollbacks_cut_off_broken_path_and_killed_controller(lab):
    before = {h: snapshot(h) for h in SERVERS + AGENTS}
    breaks = {"mh-cpl-1": {"cluster": {"address": "198.18.40.111"}},
              "mh-wrk-2": {"storage": {"prefix": 32}},
              "mh-wrk-1": {"storage": {"mtu": 1400}}, "mh-wrk-3": {"storage": {"mtu": 1400}}}
    env = {"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default"}
    # The killed controller: its own run on mh-cpl-2 (a harmless MTU change), SIGKILLed once the host is armed.
    killed = subprocess.Popen([f"{ROOT}/.venv/bin/ansible-playbook", "-i", "inventories/lab", "-l", "mh-cpl-2",
                               "tests/lab/break_network.yml", "-e",
                               json.dumps({"lab_break": {"mh-cpl-2": {"cluster": {"mtu": 1400}}}})],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                              env=dict(os.environ, ANSIBLE_CONFIG=f"{ROOT}/ansible.cfg", **env))
    deadline = time.time() + ROLLBACK + 30
    armed = sh("podman", "exec", "mh-cpl-2", "timeout", "60", "sh", "-c",
               "until test -d /var/lib/multihomed-rke2/nic-plan/pending; do sleep 0.05; done", check=False)
    if armed.returncode == 0:
        os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    t0 = time.time()
    rc, out, err = playbook("tests/lab/break_network.yml", "-l", "all:!mh-cpl-2", "-e",
                            json.dumps({"lab_break": breaks}))
    elapsed = time.time() - t0
    assert rc != 0
    msgs = {h: " ".join(r.get("msg", "") for p in out["plays"] for t in p["tasks"]
                        for hh, r in t["hosts"].items() if hh == h and r.get("failed")) for h in SERVERS + AGENTS}
    assert "host 'mh-cpl-1'" in msgs["mh-cpl-1"] and "'cluster'" in msgs["mh-cpl-1"], msgs
    assert "rolled" in msgs["mh-cpl-1"] and "/etc/netplan/60-multihomed.yaml" in msgs["mh-cpl-1"], msgs
    assert "host 'mh-wrk-2'" in msgs["mh-wrk-2"] and "'storage'" in msgs["mh-wrk-2"], msgs
    assert "rolled back" in msgs["mh-wrk-2"], msgs
    assert not msgs["mh-wrk-1"] and not msgs["mh-wrk-3"], msgs
    # the broken hosts: old files byte for byte, old addresses; cpl-1 answers on its old address again
    for host in ("mh-cpl-1", "mh-wrk-2"):
        assert snapshot(host) == before[host], host
        report = json.loads(console(host, "cat /var/lib/multihomed-rke2/nic-plan/rolled-back.json"))
        assert report["host"] == host
    assert json.loads(console("mh-cpl-1", "cat /var/lib/multihomed-rke2/nic-plan/rolled-back.json"))["reason"] == "timer"
    assert sh("ssh", "-F", "/run/multihomed-rke2/lab/ssh/config", "-o", "BatchMode=yes", "mh-cpl-1",
              "ip -br addr show ens192").stdout.split()[2] == "198.18.40.11/24"
    assert elapsed < ROLLBACK + 90, elapsed
    # the healthy hosts kept their change
    for host in ("mh-wrk-1", "mh-wrk-3"):
        assert json.loads(console(host, "ip -j link show ens224"))[0]["mtu"] == 1400, host
    # the killed controller: mh-cpl-2 was armed, then rolled back by itself
    assert killed.returncode == -signal.SIGKILL, "the controller finished before it could be killed"
    while time.time() < deadline and "rolled" not in console(
            "mh-cpl-2", "ls /var/lib/multihomed-rke2/nic-plan/ 2>/dev/null"):
        time.sleep(1)
    report = json.loads(console("mh-cpl-2", "cat /var/lib/multihomed-rke2/nic-plan/rolled-back.json"))
    assert report["reason"] == "timer" and report["networks"] == ["cluster"]
    assert snapshot("mh-cpl-2") == before["mh-cpl-2"]


def test_corrected_rerun_converges(lab):
    converge()
    second = converge()
    changed = {h: s["changed"] for h, s in second["stats"].items() if h in SERVERS + AGENTS}
    assert changed == dict.fromkeys(SERVERS + AGENTS, 0)
    for host in ("mh-wrk-1", "mh-wrk-3"):
        assert json.loads(console(host, "ip -j link show ens224"))[0]["mtu"] == 1500, host


def lab_inventory(tmp_path, name, host_vars=None, networks=None):
    """A copy of inventories/lab edited as a user edits theirs: host_vars merged per host ({host: {var: value}}),
    networks merged per network ({network: {key: value}})."""
    import shutil  # pylint: disable=import-outside-toplevel
    import yaml  # pylint: disable=import-outside-toplevel
    inv = tmp_path / name
    shutil.copytree(os.path.join(ROOT, "inventories", "lab"), inv)
    for host, values in (host_vars or {}).items():
        path = inv / "host_vars" / f"{host}.yml"
        data = yaml.safe_load(path.read_text()) if path.exists() else {}
        for key, value in values.items():
            data[key] = dict(data.get(key) or {}, **value) if isinstance(value, dict) else value
        path.write_text(yaml.safe_dump(data))
    if networks:
        path = inv / "group_vars" / "all" / "networks.yml"
        data = yaml.safe_load(path.read_text())
        for net, values in networks.items():
            data["multihomed_networks"][net].update(values)
        path.write_text(yaml.safe_dump(data))
    return str(inv)


def messages(out, host):
    return " ".join(r.get("msg", "") for p in out["plays"] for t in p["tasks"]
                    for h, r in t["hosts"].items() if h == host and (r.get("failed") or r.get("unreachable")))


def ssh(host, command, check=True):
    return sh("ssh", "-F", "/run/multihomed-rke2/lab/ssh/config", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
              host, command, check=check)


def pending(host):
    return console(host, "test -d /var/lib/multihomed-rke2/nic-plan/pending && echo armed || true").strip() == "armed"


def test_moving_the_ansible_host_address_is_refused_before_any_change(lab, tmp_path):
    """Issue 24: a readdress in host_vars while ansible_host names the old address (the renumbering done in the
    wrong order), through playbooks/network.yml: refused in preflight, naming host, network and ansible_host."""
    before = {h: snapshot(h) for h in SERVERS + AGENTS}
    inv = lab_inventory(tmp_path, "readdress", host_vars={"mh-cpl-1": {"multihomed_addresses": {"cluster": "198.18.40.111"}}})
    rc, out, err = playbook("playbooks/network.yml", inventory=inv)
    assert rc != 0
    text = " ".join(failures(out))
    assert "host 'mh-cpl-1', network 'cluster': the plan moves 198.18.40.11, the address Ansible connects through " \
           "(ansible_host), to 198.18.40.111" in text, text
    assert "nothing was changed on any host" in text
    assert {h: snapshot(h) for h in SERVERS + AGENTS} == before


def test_renumbering_the_ansible_host_address_the_documented_way(lab, tmp_path):
    """docs/howto.md "Renumber the network Ansible connects through": new address in host_vars, ansible_host left,
    -e node_network_renumber=true: reconnected and confirmed on the new address; then ansible_host moved too (host key
    recorded under it): changed=0; and back the same way."""
    host, old, new = "mh-cpl-3", "198.18.40.13", "198.18.40.113"
    step1 = lab_inventory(tmp_path, "renumber", host_vars={host: {"multihomed_addresses": {"cluster": new}}})
    rc, out, err = playbook("playbooks/network.yml", "-l", host, "-e", "node_network_renumber=true", inventory=step1)
    assert rc == 0, "\n".join(failures(out)) + err[-2000:]
    said = [r.get("msg", "") for p in out["plays"] for t in p["tasks"] for h, r in t["hosts"].items()
            if h == host and t["task"]["name"].endswith("say where the host is now")]
    assert said and f"now answers on {new}" in said[0], said
    assert not pending(host)
    assert console(host, "ip -br -4 addr show ens192").split()[2] == f"{new}/24"
    # step 4: ansible_host moved too, the host key recorded under the new address
    key = next(line.split(None, 1)[1] for line in open("/run/multihomed-rke2/lab/ssh/known_hosts")
               if line.startswith(old + " "))
    with open("/run/multihomed-rke2/lab/ssh/known_hosts", "a") as f:
        f.write(f"{new} {key}")
    step4 = lab_inventory(tmp_path, "renumbered", host_vars={host: {"multihomed_addresses": {"cluster": new}}})
    hosts = open(os.path.join(step4, "hosts.yml")).read().replace(f"ansible_host: {old}}}", f"ansible_host: {new}}}")
    open(os.path.join(step4, "hosts.yml"), "w").write(hosts)
    rc, out, err = playbook("playbooks/network.yml", "-l", host, inventory=step4)
    assert rc == 0 and out["stats"][host]["changed"] == 0, "\n".join(failures(out)) + err[-2000:]
    # and back: the model's address again, ansible_host still the new one, renumbering
    back = lab_inventory(tmp_path, "back")
    hosts = open(os.path.join(back, "hosts.yml")).read().replace(f"ansible_host: {old}}}", f"ansible_host: {new}}}")
    open(os.path.join(back, "hosts.yml"), "w").write(hosts)
    rc, out, err = playbook("playbooks/network.yml", "-l", host, "-e", "node_network_renumber=true", inventory=back)
    assert rc == 0, "\n".join(failures(out)) + err[-2000:]
    assert console(host, "ip -br -4 addr show ens192").split()[2] == f"{old}/24"
    assert converge(host)["stats"][host]["changed"] == 0


def global_only(snap):
    files, addrs = snap
    return files, [(name, mtu, tuple(a for a in got if not a.startswith("fe80:"))) for name, mtu, got in addrs]


def test_power_cycled_inside_the_window_boots_with_its_previous_files(lab, tmp_path):
    """The renumbering run, and the VM power-cycled (podman restart) while its change is live and unconfirmed: the
    host restores its previous files before its network starts (multihomed-nic-rollback-boot.service), answers SSH
    on its old address, and the run fails naming host, network, the boot and the files restored."""
    host = "mh-cpl-2"
    before = snapshot(host)
    inv = lab_inventory(tmp_path, "cycle", host_vars={host: {"multihomed_addresses": {"cluster": "198.18.40.112"}}})
    proc = subprocess.Popen([f"{ROOT}/.venv/bin/ansible-playbook", "-i", inv, "-l", host, "playbooks/network.yml",
                             "-e", "node_network_renumber=true", "-e", "node_network_reconnect_timeout=10"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, ANSIBLE_CONFIG=f"{ROOT}/ansible.cfg",
                                     ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"))
    # The change is live (activation done, apply.rc written) and not confirmed: power cycle.
    live = sh("podman", "exec", host, "timeout", "90", "sh", "-c",
              "until test -f /var/lib/multihomed-rke2/nic-plan/pending/apply.rc; do sleep 0.05; done", check=False)
    assert live.returncode == 0, "the change never went live"
    sh("podman", "restart", "--time", "5", host)
    stdout, stderr = proc.communicate(timeout=300)
    out = json.loads(stdout[stdout.index("{"):])
    assert proc.returncode != 0
    msg = messages(out, host)
    assert f"host '{host}': networks 'cluster'" in msg and "(boot," in msg, msg
    assert "/etc/netplan/60-multihomed.yaml" in msg, msg
    assert out["stats"][host]["failures"] == 1, out["stats"]
    report = json.loads(console(host, "cat /var/lib/multihomed-rke2/nic-plan/rolled-back.json"))
    assert report["reason"] == "boot" and report["networks"] == ["cluster"]
    # files byte for byte, addresses the same (the restart gave the NIC a new MAC, so a new IPv6 link-local address)
    assert global_only(snapshot(host)) == global_only(before)
    assert ssh(host, "ip -br -4 addr show ens192").stdout.split()[2] == "198.18.40.12/24"
    assert converge(host)["stats"][host]["changed"] == 0


def test_jumbo_frames_the_segment_drops_are_rolled_back_a_smaller_mtu_converges(lab, tmp_path):
    """storage mtu 9000 on segments that carry 1500 (the podman bridges): a default-size ping passes, full-size
    unfragmented packets do not: every agent rolls back, named; mtu 1400 converges (and stays for the next test)."""
    before = {h: snapshot(h) for h in AGENTS}
    rc, out, err = playbook("playbooks/network.yml", "-l", "rke2_agents", inventory=lab_inventory(
        tmp_path, "jumbo", networks={"storage": {"mtu": 9000}}))
    assert rc != 0
    for host in AGENTS:
        msg = messages(out, host)
        assert f"host '{host}': networks 'storage'" in msg and "MTU 9000 is not carried" in msg, msg
        assert "rolled back" in msg and not pending(host)
    assert {h: snapshot(h) for h in AGENTS} == before
    rc, out, err = playbook("playbooks/network.yml", "-l", "rke2_agents", inventory=lab_inventory(
        tmp_path, "small", networks={"storage": {"mtu": 1400}}))
    assert rc == 0, "\n".join(failures(out)) + err[-2000:]
    assert all(json.loads(console(h, "ip -j link show ens224"))[0]["mtu"] == 1400 for h in AGENTS)


def host_port(host, device):
    """The host-side veth of a lab host's NIC (its switch port): the link whose ifindex the NIC's iflink names."""
    index = int(console(host, f"cat /sys/class/net/{device}/iflink").strip())
    (port,) = [link["ifname"] for link in json.loads(sh("ip", "-j", "link", "show").stdout) if link["ifindex"] == index]
    return port


def test_one_host_failing_verification_does_not_undo_the_others(lab, tmp_path):
    """After the jumbo test (storage at mtu 1400): mh-wrk-3's storage port is down (a pulled cable) while a good change
    (the model's mtu 1500) goes to every agent: mh-wrk-3 fails verification and rolls back, named; mh-wrk-1 and
    mh-wrk-2 are confirmed and keep theirs (no rollback left to fire); the recap says exactly that."""
    port = host_port("mh-wrk-3", "ens224")
    before = snapshot("mh-wrk-3")
    sh("ip", "link", "set", "dev", port, "down")
    try:
        rc, out, err = playbook("playbooks/network.yml", "-l", "rke2_agents")
    finally:
        sh("ip", "link", "set", "dev", port, "up")
    assert rc != 0
    msg = messages(out, "mh-wrk-3")
    assert "host 'mh-wrk-3': networks 'storage'" in msg and "rolled back" in msg, msg
    assert out["stats"]["mh-wrk-3"]["failures"] == 1
    for host in ("mh-wrk-1", "mh-wrk-2"):
        assert out["stats"][host]["failures"] == 0 and out["stats"][host]["changed"] > 0, out["stats"]
        assert messages(out, host) == ""
    for host in ("mh-wrk-1", "mh-wrk-2"):  # confirmed: nothing pending, no rollback timer left to fire
        assert not pending(host) and json.loads(console(host, "ip -j link show ens224"))[0]["mtu"] == 1500, host
        assert sh("podman", "exec", host, "systemctl", "is-active", "multihomed-nic-rollback.timer",
                  check=False).stdout.strip() != "active", host
    assert snapshot("mh-wrk-3") == before and not pending("mh-wrk-3")
    assert json.loads(console("mh-wrk-3", "ip -j link show ens224"))[0]["mtu"] == 1400
    converge("mh-wrk-3")


def test_a_misspelt_device_names_the_host(lab, tmp_path):
    before = {h: snapshot(h) for h in AGENTS}
    rc, out, err = playbook("playbooks/network.yml", inventory=lab_inventory(tmp_path, "typo", host_vars={
        "mh-wrk-3": {"multihomed_interfaces": {"storage": "ens2244"}}}))
    assert rc != 0
    text = " ".join(failures(out))
    assert "network 'storage', host 'mh-wrk-3': attachment.master is ambiguous: this host's device for the network " \
           "is ens2244, on mh-wrk-1, mh-wrk-2 it is ens224" in text, text
    assert {h: snapshot(h) for h in AGENTS} == before


def test_drift_names_a_hand_changed_address_and_a_nad(lab, cluster, tmp_path):
    """playbooks/drift.yml on the lab (config.yaml checks off: RKE2 is not installed in the lab)."""
    kc = {"multihomed_kubeconfig": cluster.kubeconfig}
    for pb in ("tests/lab/api_prepare.yml", "playbooks/multus.yml"):
        rc, out, err = playbook(pb, "-e", json.dumps(kc))
        assert rc == 0, "\n".join(failures(out)) + err[-2000:]

    def drift(name):
        path = tmp_path / f"{name}.json"
        rc, out, _err = playbook("playbooks/drift.yml", "-e", json.dumps(dict(
            kc, multihomed_drift_rke2=False, multihomed_drift_report_path=str(path))))
        return rc, json.loads(path.read_text())

    rc, report = drift("clean")
    assert (rc, report["status"]) == (0, "clean"), report["summary"]
    assert report["hosts"] == dict.fromkeys(SERVERS + AGENTS, []) and report["cluster"] == []

    sh("ssh", "-F", "/run/multihomed-rke2/lab/ssh/config", "-o", "BatchMode=yes", "mh-wrk-1",
       "sudo ip addr del 198.18.50.21/24 dev ens224 && sudo ip addr add 198.18.50.121/24 dev ens224")
    before = {h: snapshot(h) for h in SERVERS + AGENTS}
    ns, name = "multus-network-attachments", "macvlan-private-dhcp"
    config = json.loads(cluster.get_nad(ns, name)["spec"]["config"])
    cluster.custom.patch_namespaced_custom_object("k8s.cni.cncf.io", "v1", ns, "network-attachment-definitions",
                                                  name, {"spec": {"config": json.dumps(dict(config, mode="vepa"))}})
    try:
        rc, report = drift("changed")
        assert rc != 0 and report["status"] == "drift", report["summary"]
        assert {h: f for h, f in report["hosts"].items() if f} == {"mh-wrk-1": report["hosts"]["mh-wrk-1"]}
        kinds = [(f["kind"], f["object"]) for f in report["hosts"]["mh-wrk-1"]]
        assert kinds and all(k == "address" and "storage" in o for k, o in kinds), report["hosts"]["mh-wrk-1"]
        text = json.dumps(report["hosts"]["mh-wrk-1"])
        assert "198.18.50.21/24" in text and "198.18.50.121/24" in text
        assert [(f["kind"], f["object"]) for f in report["cluster"]] == [("nad", f"{ns}/{name}")], report["cluster"]
        # drift changed nothing on any host
        assert {h: snapshot(h) for h in SERVERS + AGENTS} == before
    finally:
        sh("ssh", "-F", "/run/multihomed-rke2/lab/ssh/config", "-o", "BatchMode=yes", "mh-wrk-1",
           "sudo ip addr del 198.18.50.121/24 dev ens224; sudo ip addr replace 198.18.50.21/24 dev ens224", check=False)


def test_without_multihomed_kubeconfig_the_first_servers_is_used_then_removed(lab, tmp_path):
    """issue 25: multus.yml and drift.yml without multihomed_kubeconfig read the first server's rke2.yaml (RKE2 is not
    in the lab: a kubeconfig stands in for it on mh-cpl-1), point it at the server's node-ip, use it from a temporary
    file and leave nothing with the credentials on the controller, whether the run succeeds or fails."""
    token = "lab-admin-token-must-not-leak"
    rke2_yaml = ("apiVersion: v1\nkind: Config\nclusters:\n- name: default\n  cluster:\n    server: https://127.0.0.1:6443\n"
                 "    insecure-skip-tls-verify: true\nusers:\n- name: default\n  user:\n    token: %s\ncontexts:\n"
                 "- name: default\n  context: {cluster: default, user: default}\ncurrent-context: default\n" % token)
    tmp = tmp_path / "controller-tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp), "HOME": str(tmp_path)}
    console("mh-cpl-1", "mkdir -p /etc/rancher/rke2 && cat > /etc/rancher/rke2/rke2.yaml <<'EOF'\n%sEOF\n"
            "chmod 0600 /etc/rancher/rke2/rke2.yaml" % rke2_yaml)
    try:
        report_path = tmp_path / "drift.json"
        rc, out, err = playbook("playbooks/drift.yml", "-e", json.dumps(dict(
            multihomed_drift_hosts=False, multihomed_drift_report_path=str(report_path))), env=env)
        report = json.loads(report_path.read_text())
        assert rc != 0 and report["status"] != "clean", report["summary"]
        unread = json.dumps(report["cluster"])
        # The API was asked at the server's node-ip (nothing listens there in the lab), not at 127.0.0.1.
        assert "198.18.40.11" in unread and "6443" in unread, unread
        assert "127.0.0.1" not in unread, unread

        rc, out, err = playbook("playbooks/multus.yml", env=env)
        assert rc != 0, "multus.yml reached an API the lab does not have"
        assert "198.18.40.11" in json.dumps(out), failures(out)
        for text in (json.dumps(out), err, report_path.read_text()):
            assert token not in text
        assert list(tmp.iterdir()) == [], "left on the controller: %s" % list(tmp.iterdir())
        assert not (tmp_path / ".kube").exists()

        console("mh-cpl-1", "rm -f /etc/rancher/rke2/rke2.yaml")
        rc, out, err = playbook("playbooks/drift.yml", "-e", json.dumps(dict(
            multihomed_drift_hosts=False, multihomed_drift_report_path=str(report_path))), env=env)
        assert rc != 0
        assert "rke2: cannot read /etc/rancher/rke2/rke2.yaml on mh-cpl-1" in report_path.read_text()
        assert list(tmp.iterdir()) == []
    finally:
        console("mh-cpl-1", "rm -rf /etc/rancher/rke2")


def test_reference_writeups_reproduced(lab, cluster, tmp_path):
    """After the drift test: the model's NADs and Longhorn's setting are in the API (playbooks/multus.yml)."""
    rc, out, err = playbook("tests/lab/reproduce_writeups.yml", "-e", json.dumps(
        {"multihomed_kubeconfig": cluster.kubeconfig, "lab_state_dir": str(tmp_path)}))
    assert rc == 0, "\n".join(failures(out)) + err[-2000:]
    text = (tmp_path / "writeups.txt").read_text()
    assert "STAND-IN" in text
    assert re.search(r"net1 +198\.18\.50\.\d+/24 .*macvlan-longhorn-dhcp", text), text
    assert re.search(r"net2 +198\.18\.60\.\d+/24 .*macvlan-private-dhcp", text), text
    assert len(re.findall(r"lhnet1 +198\.18\.50\.\d+/24 +mac", text)) == len(AGENTS), text
    assert re.search(r"net1 +198\.18\.72\.\d+/24 .*macvlan-conf", text), text


def test_awx_runner_site_and_drift_on_the_lab(lab, cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("PWD", str(tmp_path))  # the drift report's default place: the working directory
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import awx_job  # pylint: disable=import-outside-toplevel
    token = "K10lab-" + uuid.uuid4().hex
    creds = {"rke2_token": {"token": token}}
    site = awx_job.run(str(tmp_path / "site"), "site", "inventories/lab", credentials=creds,
                       answers={"multihomed_kubeconfig": cluster.kubeconfig})
    out = (tmp_path / "site" / "artifacts" / "1" / "stdout").read_text()
    assert (site.status, site.rc) == ("successful", 0), out[-4000:]
    for host in SERVERS + AGENTS:
        mode_and_hits = console(host, "stat -c %a /etc/rancher/rke2/config.yaml; grep -c " + token +
                                " /etc/rancher/rke2/config.yaml").split()
        assert mode_and_hits == ["600", "1"], host
    drift = awx_job.run(str(tmp_path / "drift"), "drift", "inventories/lab", credentials=creds,
                        answers={"multihomed_kubeconfig": cluster.kubeconfig})
    out = (tmp_path / "drift" / "artifacts" / "1" / "stdout").read_text()
    assert (drift.status, drift.rc) == ("successful", 0), out[-4000:]
    assert "no drift" in out
    for job in ("site", "drift"):
        leaks = [os.path.join(base, name) for base, _dirs, names in os.walk(tmp_path / job / "artifacts")
                 for name in names if token.encode() in open(os.path.join(base, name), "rb").read()]
        assert leaks == [], leaks


def test_dual_stack_lab(lab, tmp_path):
    inv = "inventories/lab-dualstack"
    rc, out, err = playbook("playbooks/network.yml", inventory=inv)
    assert rc == 0, "\n".join(failures(out)) + err[-3000:]
    for host in SERVERS + AGENTS:
        n = int(console(host, "hostname").strip()[-1]) + (10 if host in SERVERS else 20)
        addrs = {(a["family"], f"{a['local']}/{a['prefixlen']}") for a in json.loads(
            console(host, "ip -j addr show ens192"))[0]["addr_info"] if a.get("scope") == "global"}
        assert addrs == {("inet", f"198.18.40.{n}/24"), ("inet6", f"2001:db8:40::{n}/64")}, (host, addrs)
        for fam, via in (("-4", "198.18.40.1"), ("-6", "2001:db8:40::1")):
            routes = json.loads(console(host, f"ip -j {fam} route show default"))
            assert [(r.get("gateway"), r.get("dev")) for r in routes] == [(via, "ens192")], (host, fam, routes)
        if host in AGENTS:
            storage = {(a["family"], f"{a['local']}/{a['prefixlen']}") for a in json.loads(
                console(host, "ip -j addr show ens224"))[0]["addr_info"] if a.get("scope") == "global"}
            assert storage == {("inet6", f"2001:db8:50::{n}/64")}, (host, storage)
    # pods over IPv6: the model's NAD config, executed by the real plugins in a pod namespace on two agents
    rc, out, err = playbook("tests/lab/dump_report.yml", "-e", f"lab_report_path={tmp_path}/report.json", inventory=inv)
    assert rc == 0, err[-2000:]
    (nad,) = [n for n in json.loads((tmp_path / "report.json").read_text())["nads"]
              if n["metadata"]["name"] == "macvlan-longhorn-v6"]
    pods = {"mh-wrk-1": "2001:db8:50::1:21/64", "mh-wrk-2": "2001:db8:50::1:22/64"}
    try:
        for host, ip in pods.items():
            conf = dict(json.loads(nad["spec"]["config"]), runtimeConfig={"ips": [ip]})
            sh("podman", "exec", "-i", "-e", "CNI_COMMAND=ADD", "-e", "CNI_CONTAINERID=lab-v6", "-e",
               "CNI_NETNS=/run/netns/lab-v6", "-e", "CNI_IFNAME=net1", "-e", "CNI_PATH=/usr/lib/cni", host, "sh", "-c",
               "ip netns add lab-v6 && /usr/lib/cni/macvlan", input=json.dumps(conf))
            got = json.loads(console(host, "ip -n lab-v6 -j addr show net1"))[0]["addr_info"]
            assert ip in {f"{a['local']}/{a['prefixlen']}" for a in got}, (host, got)
        ping = sh("podman", "exec", "mh-wrk-1", "sh", "-c", "for i in 1 2 3 4 5; do ip netns exec lab-v6 ping -6 -c 1 "
                  "-W 1 2001:db8:50::1:22 && exit 0; sleep 1; done; exit 1", check=False)
        assert ping.returncode == 0, ping.stdout + ping.stderr
    finally:
        for host in pods:
            sh("podman", "exec", "-i", "-e", "CNI_COMMAND=DEL", "-e", "CNI_CONTAINERID=lab-v6", "-e",
               "CNI_NETNS=/run/netns/lab-v6", "-e", "CNI_IFNAME=net1", "-e", "CNI_PATH=/usr/lib/cni", host, "sh", "-c",
               "/usr/lib/cni/macvlan; ip netns del lab-v6", input=nad["spec"]["config"], check=False)
    rc, out, err = playbook("playbooks/network.yml", inventory=inv)
    assert rc == 0, err[-2000:]
    assert {h: s["changed"] for h, s in out["stats"].items() if h in SERVERS + AGENTS} == \
        dict.fromkeys(SERVERS + AGENTS, 0)
