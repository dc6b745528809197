# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_probe
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: node_network's preflight probe output as a mapping
description:
  - "The C(key=value) lines of the role's probe script; C(true)/C(false) become booleans."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
options:
  _input:
    description: The probe's stdout lines.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Use nic_probe
  ansible.builtin.debug:
    msg: "{{ _node_network_probe_run.stdout_lines | multihomed.rke2.nic_probe }}"
"""

RETURN = r"""
_value:
  description: The probe's keys and values.
  type: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors


@filter_errors
def nic_probe(lines):
    return nic_state.probe(lines)


class FilterModule(object):
    def filters(self):
        return {"nic_probe": nic_probe}
