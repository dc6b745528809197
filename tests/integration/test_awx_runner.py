# -*- coding: utf-8 -*-
"""Job templates of awx/ run the way AWX runs them: ansible-runner over a private data directory (scripts/awx_job.py)
with the inventory exported as AWX stores it, the survey answers as extra vars and the "RKE2 token" credential's
injector rendered into a 0400 file passed as `-e @file`. No lab needed:

- "plan" against inventories/lab: touches no host;
- "rke2", tags rke2_preflight,rke2_config, against three hosts reached with the local connection (a model on `lo`,
  RKE2 not installed, config and data dirs in a tmp dir, services not managed): config.yaml is really written. The
  token must land there, mode 0600, and nowhere else: not in stdout, the job events, env/, the artifacts.
The 198.18.x addresses are configuration only: nothing is sent to them.
"""
import base64
import json
import os
import stat
import uuid

import ansible_runner
import yaml

import awx_job
from local_hosts import HOSTS, local_inventory


def events(pdd):
    """The job's events, each with event_data: ansible-runner documents verbose events (a line printed outside any
    task, such as a Python warning) and the stdout-only ones as having none."""
    directory = os.path.join(pdd, "artifacts", "1", "job_events")
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as f:
            event = json.load(f)
        event.setdefault("event_data", {})
        yield event


def assert_no_warning_events(pdd):
    """What AWX shows as the job's output carries no Python warning or Ansible deprecation (a warning printed before
    the playbook starts arrives as a verbose event)."""
    noisy = [e.get("stdout", "") for e in events(pdd)
             if any(w in e.get("stdout", "") for w in ("Warning:", "DeprecationWarning", "[DEPRECATION WARNING]"))]
    assert noisy == []


def files_holding(root, needles):
    found = []
    for base, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            if any(n in data for n in needles):
                found.append(path)
    return found


def test_plan_job_template(tmp_path):
    pdd = str(tmp_path / "job")
    result = awx_job.run(pdd, "plan", "inventories/lab", answers={"multihomed_plan_dir": str(tmp_path / "plan")})
    stdout = open(os.path.join(pdd, "artifacts", "1", "stdout")).read()
    assert (result.status, result.rc) == ("successful", 0), stdout[-4000:]
    assert "node-ip" in stdout and "NetworkAttachment" in stdout
    assert (tmp_path / "plan" / "topology.svg").exists()
    # AWX's view of the job: the events, with the survey answer and the awx_* variables in env/extravars.
    assert any(e["event"] == "playbook_on_stats" for e in events(pdd))
    assert_no_warning_events(pdd)
    extravars = json.load(open(os.path.join(pdd, "env", "extravars")))
    assert extravars["multihomed_plan_dir"] == str(tmp_path / "plan")
    assert extravars["awx_job_template_name"] == "multihomed.rke2: plan"


def test_rke2_job_template_token_only_in_config_yaml(tmp_path):
    token = "K10awx-" + uuid.uuid4().hex
    agent_token = "K10agent-" + uuid.uuid4().hex
    pdd = str(tmp_path / "job")
    params = awx_job.private_data_dir(
        pdd, "rke2", str(local_inventory(tmp_path, node_network_apply=False)),
        answers={"rke2_version": "v1.33.3+rke2r1", "rke2_agent_serial": 2},
        credentials={"rke2_token": {"token": token, "agent_token": agent_token}},
        tags="rke2_preflight,rke2_config", diff=True)
    # The injector's output is the only place the token is given: a 0400 file in env/, passed as -e @file.
    (credential,) = awx_job.credential_files(pdd)
    assert stat.S_IMODE(os.stat(credential).st_mode) == 0o400
    assert "-e @" + credential in open(os.path.join(pdd, "env", "cmdline")).read()
    assert files_holding(pdd, [token.encode()]) == [credential]

    result = ansible_runner.run(**params)
    stdout = open(os.path.join(pdd, "artifacts", "1", "stdout")).read()
    assert (result.status, result.rc) == ("successful", 0), stdout[-6000:]
    awx_job.cleanup(pdd)

    configs = []
    for host in HOSTS:
        path = tmp_path / host / "etc-rke2" / "config.yaml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, host
        config = yaml.safe_load(path.read_text())
        assert config["node-ip"] == HOSTS[host]
        assert config["token"] == (token if host == "s1" else agent_token), host
        configs.append(path)
    assert yaml.safe_load(configs[0].read_text())["agent-token"] == agent_token
    # The survey answers and tags reached the run: the config phase ran, the install phase did not.
    assert_no_warning_events(pdd)
    tasks = {e["event_data"].get("task") for e in events(pdd)}
    assert "Write config.yaml, its drop-ins and the server manifests (only what changed)" in tasks
    assert not tasks & {"Install from the release URL", "Install from the controller's air-gap artifacts"}
    assert json.load(open(os.path.join(pdd, "env", "extravars")))["rke2_agent_serial"] == 2

    # Nowhere else: stdout, job events, env/ (extravars, envvars, cmdline), artifacts, the project copy; nor as the
    # base64 of config.yaml (a slurp result), in the tmp dir outside the config files either.
    secrets = [token.encode(), agent_token.encode()]
    secrets += [base64.b64encode(p.read_bytes()) for p in configs]
    assert files_holding(pdd, secrets) == []
    assert sorted(files_holding(str(tmp_path), secrets)) == sorted(str(p) for p in configs)
    assert not any(token in json.dumps(e) or agent_token in json.dumps(e) for e in result.events)
