# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_silent
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: The ping targets that did not answer
description:
  - "Pairs the targets of C(multihomed.rke2.nic_ping_targets) with the exit status lines of the pings."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
positional: results
options:
  _input:
    description: The ping targets.
    type: list
    elements: dict
    required: true
  results:
    description: One exit status per target, C(0) when it answered.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Use nic_silent
  ansible.builtin.debug:
    msg: "{{ _node_network_ping_targets | multihomed.rke2.nic_silent(_node_network_pings.stdout_lines) }}"
"""

RETURN = r"""
_value:
  description: One message per silent target.
  type: list
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nic_silent(targets, results):
    args = validate_args(DOCUMENTATION, "nic_silent", results=results)
    return nic_state.silent(targets, args["results"])


class FilterModule(object):
    def filters(self):
        return {"nic_silent": nic_silent}
