# -*- coding: utf-8 -*-
# Table tests of rke2 config.yaml as data: the mapping of a node, its diff without secrets, the running-cluster drift.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_config import (
    MASK, NodeConfig, Rke2ConfigError, build_config, config_diff, drifts)

TOKEN = "unit-test-token-not-a-secret"
SERVER_IPS = ["198.18.40.11", "198.18.40.12"]


def node(**kw):
    """A bootstrap server as the molecule scenario has it; keywords change it."""
    base = dict(host="cpl-1", server=True, bootstrap=True, node_name="cpl-1", node_ip="198.18.40.11",
                bootstrap_ip="198.18.40.11", server_ips=list(SERVER_IPS), cni=["multus", "canal"], token=TOKEN,
                agent_token="", node_external_ip="", node_labels=[], server_taints=["CriticalAddonsOnly=true:NoExecute"],
                agent_taints=[], data_dir="/var/lib/rancher/rke2", api_host="", supervisor_port=9345,
                advertise_address="", tls_san=["rke2.multihomed.test"], cluster_cidr="", service_cidr="", extra={})
    base.update(kw)
    return base


BOOTSTRAP = {"node-name": "cpl-1", "node-ip": "198.18.40.11", "node-taint": ["CriticalAddonsOnly=true:NoExecute"],
             "token": TOKEN, "tls-san": ["198.18.40.11", "198.18.40.12", "rke2.multihomed.test"],
             "cni": ["multus", "canal"]}
AGENT = {"node-name": "wrk-1", "node-ip": "198.18.40.21", "server": "https://198.18.40.11:9345", "token": TOKEN}
AGENT_NODE = dict(host="wrk-1", server=False, bootstrap=False, node_name="wrk-1", node_ip="198.18.40.21")

BUILD = [
    ("bootstrap server: no server key, empty values left out", node(), BOOTSTRAP),
    ("joining server: server is the bootstrap server's supervisor URL",
     node(host="cpl-2", bootstrap=False, node_name="cpl-2", node_ip="198.18.40.12"),
     {"node-name": "cpl-2", "node-ip": "198.18.40.12", "node-taint": ["CriticalAddonsOnly=true:NoExecute"],
      "server": "https://198.18.40.11:9345", "token": TOKEN, "tls-san": BOOTSTRAP["tls-san"],
      "cni": ["multus", "canal"]}),
    ("agent: only the token of the server keys, no taints by default", node(**AGENT_NODE), AGENT),
    ("agent with an agent token joins with it", node(agent_token="agent-tok", **AGENT_NODE),
     dict(AGENT, token="agent-tok")),
    ("agent taints and labels", node(agent_taints=["role=worker:NoSchedule"], node_labels=["a=b"], **AGENT_NODE),
     {"node-name": "wrk-1", "node-ip": "198.18.40.21", "node-label": ["a=b"], "node-taint": ["role=worker:NoSchedule"],
      "server": "https://198.18.40.11:9345", "token": TOKEN}),
    ("api host: the join URL and the first tls-san; tls-san without duplicates",
     node(bootstrap=False, api_host="api.example.test", supervisor_port="9999", tls_san=["198.18.40.11", "x.test"]),
     {"node-name": "cpl-1", "node-ip": "198.18.40.11", "node-taint": ["CriticalAddonsOnly=true:NoExecute"],
      "server": "https://api.example.test:9999", "token": TOKEN,
      "tls-san": ["api.example.test", "198.18.40.11", "198.18.40.12", "x.test"], "cni": ["multus", "canal"]}),
    ("every optional server key", node(agent_token="agent-tok", advertise_address="198.18.40.99",
                                       node_external_ip="203.0.113.5", cluster_cidr="10.50.0.0/16",
                                       service_cidr="10.51.0.0/16", data_dir="/srv/rke2", server_taints=[]),
     {"node-name": "cpl-1", "node-ip": "198.18.40.11", "node-external-ip": "203.0.113.5", "data-dir": "/srv/rke2",
      "token": TOKEN, "agent-token": "agent-tok", "advertise-address": "198.18.40.99",
      "tls-san": BOOTSTRAP["tls-san"], "cni": ["multus", "canal"], "cluster-cidr": "10.50.0.0/16",
      "service-cidr": "10.51.0.0/16"}),
    ("extra merged last: wins in place, new keys appended, its empty and false values kept",
     node(extra={"cni": ["cilium"], "selinux": False, "debug": "", "kubelet-arg": ["max-pods=200"]}),
     dict(BOOTSTRAP, cni=["cilium"], selinux=False, debug="", **{"kubelet-arg": ["max-pods=200"]})),
]


@pytest.mark.parametrize("name, data, expected", BUILD, ids=[c[0] for c in BUILD])
def test_build_config(name, data, expected):
    got = build_config(NodeConfig.from_mapping(data))
    assert got == expected
    assert list(got) == list(expected), "key order"


BUILD_ERRORS = [
    ("unknown field", node(tokn="x"), "host 'cpl-1': unknown fields tokn"),
    ("missing field", {k: v for k, v in node().items() if k != "node_ip"}, "host 'cpl-1': missing fields node_ip"),
    ("list expected", node(tls_san="a.test"), "host 'cpl-1': tls_san must be a list, got str"),
    ("mapping expected", node(extra=["a"]), "host 'cpl-1': extra (rke2_config_extra) must be a mapping, got list"),
    ("no node-ip", node(node_ip=""), "host 'cpl-1': node_ip is empty"),
    ("a boolean as a string", node(server="False"), "host 'cpl-1': server must be true or false, got 'False'"),
    ("not a mapping", ["x"], "expected a mapping of the node's settings, got list"),
]


@pytest.mark.parametrize("name, data, message", BUILD_ERRORS, ids=[c[0] for c in BUILD_ERRORS])
def test_build_config_errors(name, data, message):
    with pytest.raises(Rke2ConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        build_config(NodeConfig.from_mapping(data))


def test_node_config_hides_the_token_in_repr():
    text = repr(NodeConfig.from_mapping(node(agent_token="agent-tok")))
    assert TOKEN not in text and "agent-tok" not in text


OLD = "# Ansible managed\nnode-name: cpl-1\nnode-ip: 198.18.40.11\ntoken: old-token\ncni: [multus, canal]\n"

DIFF = [
    ("no file yet: every key changed, token masked", None, {"node-name": "cpl-1", "token": TOKEN},
     {"changed_keys": ["node-name", "token"], "before": {}, "after": {"node-name": "cpl-1", "token": MASK}}),
    ("a changed token shows as changed, masked on both sides", OLD,
     {"node-name": "cpl-1", "node-ip": "198.18.40.11", "token": TOKEN, "cni": ["multus", "canal"]},
     {"changed_keys": ["token"],
      "before": {"node-name": "cpl-1", "node-ip": "198.18.40.11", "token": MASK, "cni": ["multus", "canal"]},
      "after": {"node-name": "cpl-1", "node-ip": "198.18.40.11", "token": MASK, "cni": ["multus", "canal"]}}),
    ("keys added and removed, agent-token masked", OLD,
     {"node-name": "cpl-1", "token": "old-token", "agent-token": "a", "cni": ["multus", "canal"]},
     {"changed_keys": ["agent-token", "node-ip"],
      "before": {"node-name": "cpl-1", "node-ip": "198.18.40.11", "token": MASK, "cni": ["multus", "canal"]},
      "after": {"node-name": "cpl-1", "token": MASK, "agent-token": MASK, "cni": ["multus", "canal"]}}),
    ("a broken file counts as empty", "a: [b\n", {"node-name": "cpl-1"},
     {"changed_keys": ["node-name"], "before": {}, "after": {"node-name": "cpl-1"}}),
    ("an empty file counts as empty", "", {}, {"changed_keys": [], "before": {}, "after": {}}),
]


@pytest.mark.parametrize("name, before, after, expected", DIFF, ids=[c[0] for c in DIFF])
def test_config_diff(name, before, after, expected):
    got = config_diff(before, after)
    assert got == expected
    assert TOKEN not in json.dumps(got) and "old-token" not in json.dumps(got)


def hcc(values):
    """A rke2-canal HelmChartConfig as the role writes it, valuesContent as given."""
    doc = "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata: {name: rke2-canal, namespace: kube-system}\n"
    return doc + ("spec:\n  valuesContent: |\n" + "".join("    %s\n" % line for line in values.splitlines())
                  if values is not None else "")


WANTED = {"node-name": "cpl-1", "token": TOKEN, "cni": ["multus", "canal"]}
RUNNING = "node-name: cpl-1\ntoken: %s\ncni:\n- multus\n- canal\n" % TOKEN
VXLAN = "flannel:\n  backend: vxlan\n  iface: ens192\n"

DRIFT = [
    ("nothing changed", RUNNING, hcc(VXLAN), WANTED, "vxlan", []),
    ("cni given as a comma string", "cni: multus, canal\n", None, WANTED, "vxlan", []),
    ("multus switched off", RUNNING, None, dict(WANTED, cni=["canal"]), "vxlan",
     [{"key": "cni", "current": ["multus", "canal"], "wanted": ["canal"]}]),
    ("absent keys are RKE2's defaults on both sides", "", None, {"cni": "canal"}, "vxlan", []),
    ("no config.yaml: RKE2's defaults", None, None, WANTED, "vxlan",
     [{"key": "cni", "current": ["canal"], "wanted": ["multus", "canal"]}]),
    ("cluster-cidr set where the default ran", RUNNING, None, dict(WANTED, **{"cluster-cidr": "10.50.0.0/16"}),
     "vxlan", [{"key": "cluster-cidr", "current": "10.42.0.0/16", "wanted": "10.50.0.0/16"}]),
    ("service-cidr empty means the default", RUNNING + "service-cidr: 10.43.0.0/16\n", None,
     dict(WANTED, **{"service-cidr": ""}), "vxlan", []),
    ("canal backend changed", RUNNING, hcc(VXLAN), WANTED, "host-gw",
     [{"key": "canal backend", "current": "vxlan", "wanted": "host-gw"}]),
    ("canal backend absent means vxlan", RUNNING, hcc("flannel:\n  iface: ens192\n"), WANTED, "wireguard",
     [{"key": "canal backend", "current": "vxlan", "wanted": "wireguard"}]),
    ("canal file without valuesContent", RUNNING, hcc(None), WANTED, "vxlan", []),
    ("no canal file: backend not compared", RUNNING, None, WANTED, "host-gw", []),
    ("tokens are never compared", RUNNING.replace(TOKEN, "another"), None, dict(WANTED, **{"agent-token": "x"}),
     "vxlan", []),
    ("every drift at once", "cni: canal\ncluster-cidr: 10.1.0.0/16\nservice-cidr: 10.2.0.0/16\n",
     hcc("flannel:\n  backend: wireguard\n"), WANTED, "vxlan",
     [{"key": "cni", "current": ["canal"], "wanted": ["multus", "canal"]},
      {"key": "cluster-cidr", "current": "10.1.0.0/16", "wanted": "10.42.0.0/16"},
      {"key": "service-cidr", "current": "10.2.0.0/16", "wanted": "10.43.0.0/16"},
      {"key": "canal backend", "current": "wireguard", "wanted": "vxlan"}]),
]


@pytest.mark.parametrize("name, config, canal, wanted, backend, expected", DRIFT, ids=[c[0] for c in DRIFT])
def test_drifts(name, config, canal, wanted, backend, expected):
    got = drifts(config, canal, wanted, backend)
    assert got == expected
    assert TOKEN not in json.dumps(got)


DRIFT_ERRORS = [
    ("config.yaml not YAML, content not echoed", "token: %s\ncni: [a\n" % TOKEN, None, WANTED,
     "the current config.yaml is not valid YAML (line 3)"),
    ("config.yaml not a mapping", "- a\n", None, WANTED, "the current config.yaml is not a YAML mapping but a list"),
    ("valuesContent not YAML", RUNNING, hcc("flannel: [\n"), WANTED,
     "spec.valuesContent of the current rke2-canal-config.yaml is not valid YAML"),
    ("wanted not a mapping", RUNNING, None, ["x"], "the wanted config.yaml must be a mapping, got list"),
]


@pytest.mark.parametrize("name, config, canal, wanted, message", DRIFT_ERRORS, ids=[c[0] for c in DRIFT_ERRORS])
def test_drift_errors(name, config, canal, wanted, message):
    with pytest.raises(Rke2ConfigError) as err:
        drifts(config, canal, wanted, "vxlan")
    assert str(err.value).startswith(message)
    assert TOKEN not in str(err.value)
