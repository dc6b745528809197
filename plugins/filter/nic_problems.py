# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_problems
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: What is wrong on a host after its NIC plan was applied
description:
  - "A missing device, an address not there, another MTU, not exactly one default route via the planned device."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
positional: state, timeout
options:
  _input:
    description: The host's NIC plan.
    type: list
    elements: dict
    required: true
  state:
    description: The result of C(multihomed.rke2.nic_seen).
    type: dict
    required: true
  timeout:
    description: Seconds waited for the addresses, for the message.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Use nic_problems
  ansible.builtin.debug:
    msg: "{{ node_network_plan | multihomed.rke2.nic_problems(_node_network_state, 60) }}"
"""

RETURN = r"""
_value:
  description: Messages, each naming the network.
  type: list
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nic_problems(plan, state, timeout):
    args = validate_args(DOCUMENTATION, "nic_problems", state=state, timeout=timeout)
    return nic_state.problems(plan, args["state"], args["timeout"])


class FilterModule(object):
    def filters(self):
        return {"nic_problems": nic_problems}
