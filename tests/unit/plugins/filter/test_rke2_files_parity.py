# -*- coding: utf-8 -*-
# The module rke2_node_files renders config.yaml on the node without Ansible's filters; its text must be what the
# role's template wrote (ansible_managed comment, a line naming the node, to_nice_yaml(indent=2, width=1000)), so
# upgrading the collection rewrites nothing and restarts nothing. Here, beside the filters, because a module_utils
# test cannot import ansible.plugins.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.plugins.filter.core import comment, to_nice_yaml
from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_files as rf
from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_config import NodeConfig, build_config

BASE = dict(host="cpl-1", server=True, bootstrap=True, node_name="cpl-1", node_ip="198.18.40.11",
            bootstrap_ip="198.18.40.11", server_ips=["198.18.40.11"], cni=["multus", "canal"],
            token="unit-test-token-not-a-secret", server_taints=["CriticalAddonsOnly=true:NoExecute"])
CASES = [
    ("bootstrap server", {}),
    ("agent with labels", dict(host="wrk-1", server=False, bootstrap=False, node_name="wrk-1", node_ip="198.18.40.21",
                               node_labels=["zone=a", "multihomed.rke2/ü=1"])),
    ("extra keys and numbers", dict(extra={"debug": True, "kube-apiserver-arg": ["a=b"], "etcd-snapshot-retention": 5})),
]


@pytest.mark.parametrize("case, changes", CASES, ids=[c[0] for c in CASES])
def test_config_text_is_what_the_template_wrote(case, changes):
    node = NodeConfig.from_mapping(dict(BASE, **changes))
    config = build_config(node)
    header = comment("Ansible managed")
    kind = "server" if node.server else "agent"
    template = (header + "\n# RKE2 configuration for %s (%s), from the multihomed network model.\n" % (node.host, kind)
                + to_nice_yaml(config, indent=2, width=1000))
    assert rf.config_text(node, config, header) == template
