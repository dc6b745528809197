# -*- coding: utf-8 -*-
# Table tests of a node's RKE2 files as text (module_utils/rke2_files): the texts the templates used to write, what a
# converge does to each path, diffs with tokens masked, the messages of the checks.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_files as rf
from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_config import MASK, NodeConfig, build_config

TOKEN = "unit-test-token-not-a-secret"
HEADER = "#\n# Ansible managed\n#"
CANAL = {"apiVersion": "helm.cattle.io/v1", "kind": "HelmChartConfig",
         "metadata": {"name": "rke2-canal", "namespace": "kube-system"},
         "spec": {"valuesContent": "flannel:\n  backend: vxlan\n  iface: ens192\n"}}


def node(**kw):
    base = dict(host="cpl-1", server=True, bootstrap=True, node_name="cpl-1", node_ip="198.18.40.11",
                bootstrap_ip="198.18.40.11", server_ips=["198.18.40.11"], cni=["multus", "canal"], token=TOKEN,
                server_taints=["CriticalAddonsOnly=true:NoExecute"], tls_san=["rke2.multihomed.test"])
    base.update(kw)
    return NodeConfig.from_mapping(base)


def test_config_text_layout():
    """Header, a line naming the node, the mapping with sorted keys in block style (tests/unit/plugins/filter/
    test_rke2_files_parity.py compares it with Ansible's to_nice_yaml, which a module_utils test cannot import)."""
    n = node()
    text = rf.config_text(n, build_config(n), HEADER)
    assert text.startswith(HEADER + "\n# RKE2 configuration for cpl-1 (server), from the multihomed network model.\ncni:\n- multus\n")
    assert yaml.safe_load(text) == build_config(n)


def test_manifest_text_literal_block():
    text = rf.manifest_yaml(CANAL)
    assert "  valuesContent: |\n    flannel:\n" in text
    assert yaml.safe_load(text) == CANAL


MASKS = [
    ("token masked", "node-ip: 1.2.3.4\ntoken: abc\n", "node-ip: 1.2.3.4\ntoken: %s\n" % MASK),
    ("agent-token masked", "agent-token: 'x y'\n", "agent-token: %s\n" % MASK),
    ("nested key untouched", "extra:\n  token: keep\n", "extra:\n  token: keep\n"),
    ("absent file", None, None),
]


@pytest.mark.parametrize("case, text, expected", MASKS, ids=[c[0] for c in MASKS])
def test_mask(case, text, expected):
    assert rf.mask(text) == expected


def test_mask_marks_a_changed_token_against_before():
    before = "agent-token: a\ntoken: old\n"
    assert rf.mask("agent-token: a\ntoken: new\n", before) == "agent-token: %s\ntoken: %s (changed)\n" % (MASK, MASK)
    assert rf.mask("token: t\n", "node-ip: x\n") == "token: %s (changed)\n" % MASK, "a token that is new"


def test_wanted_files_server_and_agent():
    n = node()
    wanted = rf.wanted_files(n, build_config(n), "/etc/rancher/rke2", HEADER, {"10-extra": {"debug": True}},
                             [{"file": "rke2-canal-config.yaml", "present": True, "content": CANAL},
                              {"file": "rke2-calico-config.yaml", "present": False, "content": {}}])
    assert [(w.path, w.content is None, w.secret) for w in wanted] == [
        ("/etc/rancher/rke2/config.yaml", False, True),
        ("/etc/rancher/rke2/config.yaml.d/10-extra.yaml", False, True),
        ("/var/lib/rancher/rke2/server/manifests/rke2-canal-config.yaml", False, False),
        ("/var/lib/rancher/rke2/server/manifests/rke2-calico-config.yaml", True, False)]
    assert all(w.mode == 0o600 for w in wanted)
    agent = node(host="wrk-1", server=False, bootstrap=False, node_name="wrk-1", node_ip="198.18.40.21")
    only = rf.wanted_files(agent, build_config(agent), "/etc/rancher/rke2", HEADER, {}, [{"file": "x", "content": {}}])
    assert [w.path for w in only] == ["/etc/rancher/rke2/config.yaml"], "agents get no manifests"


W = rf.Wanted("/f", "new\n")
GONE = rf.Wanted("/g", None)
CHANGES = [
    ("absent -> create", [W], {}, {}, [("/f", "create")]),
    ("same text and mode -> nothing", [W], {"/f": "new\n"}, {"/f": 0o600}, []),
    ("same text, mode 0644 -> update", [W], {"/f": "new\n"}, {"/f": 0o644}, [("/f", "update")]),
    ("other text -> update", [W], {"/f": "old\n"}, {"/f": 0o600}, [("/f", "update")]),
    ("unwanted and present -> remove", [GONE], {"/g": "x"}, {"/g": 0o600}, [("/g", "remove")]),
    ("unwanted and absent -> nothing", [GONE], {}, {}, []),
]


@pytest.mark.parametrize("case, wanted, current, modes, expected", CHANGES, ids=[c[0] for c in CHANGES])
def test_changes(case, wanted, current, modes, expected):
    assert [(c.path, c.action) for c in rf.changes(wanted, current, modes)] == expected


def test_diff_entries_mask_tokens_of_secret_files_only():
    found = rf.changes([rf.Wanted("/c", "token: new\n", secret=True), rf.Wanted("/m", "token: shown\n")],
                       {"/c": "token: old\n"}, {"/c": 0o600})
    entries = rf.diff_entries(found)
    assert entries[0] == {"before_header": "/c", "after_header": "/c", "before": "token: %s\n" % MASK,
                          "after": "token: %s (changed)\n" % MASK}
    assert entries[1]["before_header"] == "/m (absent)" and entries[1]["after"] == "token: shown\n"


MESSAGES = [
    ("no token", rf.token_messages("h1", ""), "rke2_token is not set for h1: give the cluster join token"),
    ("token given", rf.token_messages("h1", "t"), None),
    ("guard", rf.guard_messages("h1", [{"key": "cni", "current": ["canal"], "wanted": ["multus", "canal"]}], ""),
     "rke2 on h1: 'cni' cannot change on a running cluster (/var/lib/rancher/rke2/server/db exists): it is "
     "[\"canal\"] now and the inventory asks for [\"multus\", \"canal\"]. Keep the current value, or rebuild the "
     "cluster."),
    ("settings", rf.settings_messages("h1", dict(group_names=["rke2_servers"], servers_group="rke2_servers",
                                                 agents_group="rke2_agents", servers=["h1"], agents=[],
                                                 bootstrap_server="h1", install_method="none", agent_serial=0)),
     "rke2 on h1: invalid settings: rke2_agent_serial must be an integer >= 1 (got 0)."),
]


@pytest.mark.parametrize("case, got, expected", MESSAGES, ids=[c[0] for c in MESSAGES])
def test_messages(case, got, expected):
    if expected is None:
        assert got == []
    else:
        assert len(got) == 1 and got[0].startswith(expected), got


@pytest.mark.parametrize("out, version", [
    ("rke2 version v1.31.5+rke2r1 (abc)\ngo version go1.22\n", "v1.31.5+rke2r1"),
    ("", ""),
])
def test_installed_version(out, version):
    assert rf.installed_version(out) == version
