# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_ping_targets
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: Whom a host pings after applying its NIC plan
description:
  - "Per network the gateway and every other host of the play on it, at the address that host saw (its
    C(node_network_seen))."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
positional: host, hostvars, play_hosts
options:
  _input:
    description: The host's NIC plan.
    type: list
    elements: dict
    required: true
  host:
    description: This host's name (not pinged).
    type: str
    required: true
  hostvars:
    description: The play's C(hostvars) (required; read only for the play hosts' C(node_network_seen)).
    type: raw
  play_hosts:
    description: The hosts of the play (C(ansible_play_hosts)).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Use nic_ping_targets
  ansible.builtin.debug:
    msg: "{{ node_network_plan | multihomed.rke2.nic_ping_targets(inventory_hostname, hostvars, ansible_play_hosts) }}"
"""

RETURN = r"""
_value:
  description: C(network), C(device), C(target), C(what) per target, and C(mtu) where the plan sets the network's MTU.
  type: list
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nic_ping_targets(plan, host, hostvars, play_hosts):
    args = validate_args(DOCUMENTATION, "nic_ping_targets", host=host, play_hosts=play_hosts)
    peers_seen = {p: (hostvars[p].get("node_network_seen") if p in hostvars else None) for p in args["play_hosts"]}
    return nic_state.ping_targets(plan, args["host"], peers_seen)


class FilterModule(object):
    def filters(self):
        return {"nic_ping_targets": nic_ping_targets}
