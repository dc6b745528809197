# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rke2_restart_batches
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The order in which RKE2 nodes with a change are (re)started
description:
  - Batches of nodes, in order, for the C(multihomed.rke2.rke2) role's restart handler, the bootstrap server alone
    first, then each other server alone, then the agents O(agent_serial) at a time.
  - A node is in a batch when it is one of O(play_hosts) and one of its registered results named in O(results)
    changed, as the C(changed) test sees it (the result, or one of its loop results).
  - A host in both groups counts as a server.
positional: servers, bootstrap, agents, play_hosts, agent_serial, results
options:
  _input:
    description: C(hostvars), to read each node's registered results.
    type: dict
    required: true
  servers:
    description: The servers, usually C(groups[rke2_servers_group]).
    type: list
    elements: str
    required: true
  bootstrap:
    description: The bootstrap server.
    type: str
    required: true
  agents:
    description: The agents, usually C(groups[rke2_agents_group]).
    type: list
    elements: str
    required: true
  play_hosts:
    description: Hosts still in the play (C(ansible_play_hosts)); the others are left out.
    type: list
    elements: str
    required: true
  agent_serial:
    description: Agents per batch, at least 1.
    type: int
    default: 1
  results:
    description: Names of the registered variables whose change needs RKE2 (re)started.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Roll out in order
  ansible.builtin.include_tasks: restart.yml
  loop: >-
    {{ hostvars | multihomed.rke2.rke2_restart_batches(servers=groups['rke2_servers'], bootstrap='cpl-1',
       agents=groups['rke2_agents'], play_hosts=ansible_play_hosts, agent_serial=2,
       results=['_rke2_install_result', '_rke2_config_result']) }}
  loop_control:
    loop_var: batch
  run_once: true
"""

RETURN = r"""
_value:
  description: The batches, each a list of inventory host names; empty when nothing changed.
  type: list
  elements: list
  sample: [[cpl-1], [cpl-2], [cpl-3], [wrk-1, wrk-2], [wrk-3]]
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_rollout as rr
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import validate_args


def _changed(host_vars, results):
    return any(rr.result_changed(host_vars[name]) for name in results if name in host_vars)


def rke2_restart_batches(hostvars, servers, bootstrap, agents, play_hosts, agent_serial=1, results=()):
    args = validate_args(DOCUMENTATION, "rke2_restart_batches", servers=servers, bootstrap=bootstrap, agents=agents,
                         play_hosts=play_hosts, agent_serial=agent_serial, results=list(results))
    agent_serial = args["agent_serial"]
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(f"rke2_restart_batches: expected hostvars as input, got {type(hostvars).__name__}")
    missing = [h for h in play_hosts if h not in hostvars]
    if missing:
        raise AnsibleFilterError(f"rke2_restart_batches: hosts {', '.join(missing)} of play_hosts are not in hostvars")
    changed = {h: _changed(hostvars[h], results) for h in play_hosts}
    try:
        return rr.restart_batches(servers, bootstrap, agents, play_hosts, changed, agent_serial)
    except rr.Rke2RolloutError as exc:
        raise AnsibleFilterError(f"rke2_restart_batches: {exc}") from None


class FilterModule(object):
    def filters(self):
        return {"rke2_restart_batches": rke2_restart_batches}
