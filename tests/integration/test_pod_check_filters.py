# -*- coding: utf-8 -*-
"""The pod check filters through Ansible: the chain playbooks/validate.yml runs, on localhost, without a cluster.

validate_model -> pod_attachments -> pod_expected_interfaces -> network_selection, then pod_network_check on the
`ip -j addr show` output captured in tests/unit/plugins/module_utils/test_pod_check.py, pod_check_table, and the
error a wrong selection gives. One ansible-playbook run (a few seconds).
"""
import json
import os
import subprocess

import pytest

# The captured fixture, kept in one place.
from ansible_collections.multihomed.rke2.tests.unit.plugins.module_utils.test_pod_check import IP_J_CAPTURED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NS = "multus-network-attachments"
MODEL = {
    "cluster": {"cidr": "198.18.40.0/24", "purpose": "cluster", "groups": ["rke2_agents"], "interface": "ens192"},
    "storage": {"cidr": "198.18.0.0/24", "purpose": "storage", "groups": ["rke2_agents"], "interface": "ens224",
                "attachment": {"name": "macvlan-longhorn-dhcp", "namespace": NS, "ipam": {"type": "dhcp"}}},
    "services": {"cidr": "198.18.1.0/24", "purpose": "services", "groups": ["rke2_agents"], "interface": "ens256",
                 "attachment": {"name": "macvlan-private-dhcp", "namespace": NS, "ipam": {"type": "dhcp"}}},
}
STATUS = [
    {"name": "k8s-pod-network", "interface": "eth0", "ips": ["198.18.100.2"], "default": True, "dns": {}},
    {"name": NS + "/macvlan-longhorn-dhcp", "interface": "net1", "ips": ["198.18.0.2"], "dns": {}},
    {"name": NS + "/macvlan-private-dhcp", "interface": "net2", "ips": ["198.18.9.9"], "dns": {}},
]

PLAYBOOK = """
- name: Pod check filters
  hosts: localhost
  gather_facts: false
  tasks:
    - name: expected
      ansible.builtin.set_fact:
        expected: >-
          {{ multihomed_networks | multihomed.rke2.validate_model({}, {}) | multihomed.rke2.pod_attachments
             | multihomed.rke2.pod_expected_interfaces(selection) }}

    - name: annotation
      ansible.builtin.debug:
        msg: "{{ expected | map(attribute='selection') | list | multihomed.rke2.network_selection }}"

    - name: results
      ansible.builtin.set_fact:
        results: "{{ expected | multihomed.rke2.pod_network_check(status_text, ip_text) }}"

    - name: table
      ansible.builtin.debug:
        msg: "{{ results | multihomed.rke2.pod_check_table }}"

    - name: unknown network
      ansible.builtin.debug:
        msg: >-
          {{ multihomed_networks | multihomed.rke2.validate_model({}, {}) | multihomed.rke2.pod_attachments
             | multihomed.rke2.pod_expected_interfaces(['services', 'cluster']) }}
      ignore_errors: true
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pod_check")
    (tmp / "play.yml").write_text(PLAYBOOK)
    extra = {"multihomed_networks": MODEL, "selection": [], "status_text": json.dumps(STATUS),
             "ip_text": IP_J_CAPTURED}
    (tmp / "vars.json").write_text(json.dumps(extra))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", str(tmp / "play.yml"),
                           "-e", "@" + str(tmp / "vars.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    start = proc.stdout.find("{")
    assert start >= 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout[start:])
    return {t["task"]["name"]: t["hosts"]["localhost"] for t in data["plays"][0]["tasks"]}


def test_expected_interfaces_and_annotation(run):
    expected = run["expected"]["ansible_facts"]["expected"]
    assert [(e["interface"], e["network"], e["cidr"], e["name"]) for e in expected] == [
        ("net1", "storage", "198.18.0.0/24", "macvlan-longhorn-dhcp"),
        ("net2", "services", "198.18.1.0/24", "macvlan-private-dhcp"),
    ]
    assert run["annotation"]["msg"] == f"{NS}/macvlan-longhorn-dhcp@net1,{NS}/macvlan-private-dhcp@net2"


def test_results_and_table(run):
    results = run["results"]["ansible_facts"]["results"]
    assert [(r["interface"], r["ok"]) for r in results] == [("net1", True), ("net2", False)]
    assert results[0]["pod_ips"] == ["198.18.0.2", "198.18.0.3"]
    assert "network-status has no address in 198.18.1.0/24 (has: 198.18.9.9)" in results[1]["message"]
    assert run["table"]["msg"][0].split() == ["interface", "network", "CIDR", "pod", "addresses", "network-status",
                                              "ok"]
    assert run["table"]["msg"][2].split()[-1] == "NO"


def test_unknown_network_names_it(run):
    failed = run["unknown network"]
    assert failed.get("failed")
    assert "pod_expected_interfaces: network 'cluster': not a network with an attachment (those are: storage, " \
           "services)" in failed["msg"]
