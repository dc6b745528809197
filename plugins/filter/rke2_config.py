# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rke2_config
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: RKE2's config.yaml of one node, as data
description:
  - Builds the C(config.yaml) mapping the C(multihomed.rke2.rke2) role writes with C(to_nice_yaml).
  - Every node gets C(node-name), C(node-ip), C(node-external-ip), C(node-label), C(node-taint) (the server or the
    agent taints), C(data-dir) (only when not C(/var/lib/rancher/rke2)) and, except on the bootstrap server,
    C(server) (C(https://<api_host or bootstrap_ip>:<supervisor_port>)).
  - Servers add C(token), C(agent-token), C(advertise-address), C(tls-san) (api_host, the servers' node-ips, then
    tls_san, without duplicates), C(cni), C(cluster-cidr) and C(service-cidr); agents add C(token) (the agent token
    when given).
  - Keys whose value is empty (V(''), V([]), V(null)) are left out; then O(_input.extra) is merged last.
  - The result holds the join token. Use it in tasks with C(no_log), and show it with
    P(multihomed.rke2.rke2_config_diff#filter), which masks the tokens.
options:
  _input:
    description:
      - The node's settings, one key per field.
      - C(host), C(server), C(bootstrap), C(node_name), C(node_ip), C(bootstrap_ip), C(server_ips), C(cni) and
        C(token) are required; C(agent_token), C(node_external_ip), C(node_labels), C(server_taints),
        C(agent_taints), C(data_dir), C(api_host), C(supervisor_port), C(advertise_address), C(tls_san),
        C(cluster_cidr), C(service_cidr), C(cluster_cidr6), C(service_cidr6) and C(extra) are optional. Other keys
        are an error. C(node_ip) may be a C(v4,v6) pair (dual-stack cluster network).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: config.yaml of this node (it holds the token, so nothing is logged)
  ansible.builtin.set_fact:
    rke2_config: "{{ node | multihomed.rke2.rke2_config }}"
  vars:
    node:
      host: "{{ inventory_hostname }}"
      server: true
      bootstrap: true
      node_name: "{{ inventory_hostname }}"
      node_ip: 172.16.40.11
      bootstrap_ip: 172.16.40.11
      server_ips: [172.16.40.11, 172.16.40.12, 172.16.40.13]
      cni: [multus, canal]
      token: "{{ vault_rke2_token }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: The config.yaml mapping, keys in the order they are built (C(to_nice_yaml) sorts them).
  type: dict
  sample:
    node-name: cpl-1
    node-ip: 172.16.40.11
    node-taint: ["CriticalAddonsOnly=true:NoExecute"]
    token: "<the join token>"
    tls-san: [172.16.40.11, 172.16.40.12, 172.16.40.13]
    cni: [multus, canal]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_config as rc


def rke2_config(node):
    try:
        return rc.build_config(rc.NodeConfig.from_mapping(node))
    except rc.Rke2ConfigError as exc:
        raise AnsibleFilterError(f"rke2_config: {exc}") from None


class FilterModule(object):
    def filters(self):
        return {"rke2_config": rke2_config}
