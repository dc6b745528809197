# -*- coding: utf-8 -*-
"""site.yml validates the network model exactly once per run, and every phase still gets what it needs.

The real site.yml runs with the model-reading parts of every phase selected by tag (the preflights of node_network,
rke2, multus_networks and longhorn_network), against three hosts reached with the local connection and a model whose
NICs are `lo` (and a VLAN on it), in check mode: nothing is applied (node_network_apply is false and the apply phases are not selected).
The validate_model filter prints one line per whole-model validation with -v; the run must show exactly one.
The 198.18.x addresses are configuration only: nothing is sent to them.
"""
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = "multihomed.rke2: network model validated"
TAGS = "node_network_preflight,rke2_preflight,multus_networks_preflight,longhorn_network_preflight"


def inventory(tmp_path):
    hosts = {"s1": "198.18.40.11", "a1": "198.18.40.21", "a2": "198.18.40.22"}
    inv = {"rke2_cluster": {
        "children": {
            "rke2_servers": {"hosts": {"s1": {"multihomed_addresses": {"cluster": hosts["s1"]}}}},
            "rke2_agents": {"hosts": {h: {"multihomed_addresses": {"cluster": a, "storage": a.replace(".40.", ".50.")}}
                                      for h, a in hosts.items() if h != "s1"}},
        },
        "vars": {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "rke2_token": "not-a-secret-test-token",
            "rke2_install_method": "none",
            "rke2_data_dir": str(tmp_path / "rke2"),
            "rke2_config_dir": str(tmp_path / "etc-rke2"),
            "node_network_backend": "netplan",
            "node_network_apply": False,
            "multihomed_kubeconfig": str(tmp_path / "no-kubeconfig"),
        },
    }, "all": {"vars": {
        "multihomed_networks": {
            "cluster": {"cidr": "198.18.40.0/24", "purpose": "cluster", "groups": ["rke2_servers", "rke2_agents"],
                        "interface": "lo"},
            # A VLAN sub-interface of lo: node_network checks the parent, which every machine has.
            "storage": {"cidr": "198.18.50.0/24", "purpose": "storage", "groups": ["rke2_agents"],
                        "parent": "lo", "vlan": 50, "default_route": False,
                        "attachment": {"name": "storage", "namespace": "longhorn-system"}},
        },
    }}}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inv))
    return path


def run_site(tmp_path, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_NOCOLOR="1", PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    return subprocess.run(["ansible-playbook", "-v", "-i", str(inventory(tmp_path)), "site.yml", "--check",
                           "--tags", TAGS, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


def test_site_validates_the_model_once(tmp_path):
    res = run_site(tmp_path)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert res.stdout.count(LINE) == 1, [line for line in res.stdout.splitlines() if LINE in line]
    # Every phase ran its model-reading preflight (and so read the published report).
    for task in ("Preflight | every host is ready", "Preflight | build, check and diff this node's RKE2 files (rke2_node_files in check mode)",
                 "Check there is something to do", "Pick the storage network, plan the Helm values"):
        assert task in res.stdout, task
