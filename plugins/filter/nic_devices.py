# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_devices
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: The devices a host's NIC plan needs (missing ones, renames by MAC)
description:
  - "Preflight of node_network: every planned device (or the parent of a VLAN sub-interface) must exist by name or
    by MAC; a device found by MAC under another name is renamed before applying."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
positional: facts, host
options:
  _input:
    description: The host's NIC plan.
    type: list
    elements: dict
    required: true
  facts:
    description: The host's gathered facts (C(ansible_facts)), with C(interfaces) and per-interface C(macaddress).
    type: raw
    required: true
  host:
    description: The host's name, for the messages.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Use nic_devices
  ansible.builtin.debug:
    msg: "{{ node_network_plan | multihomed.rke2.nic_devices(ansible_facts, inventory_hostname) }}"
"""

RETURN = r"""
_value:
  description: C(problems) (list of messages), C(renames) (list of C(from)/C(to)), C(rename_steps) (ip -batch lines).
  type: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nic_devices(plan, facts, host):
    args = validate_args(DOCUMENTATION, "nic_devices", facts=facts, host=host)
    return nic_state.devices(plan, args["facts"], args["host"])


class FilterModule(object):
    def filters(self):
        return {"nic_devices": nic_devices}
