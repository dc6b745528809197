# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nic_seen
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: What each network of a NIC plan got on the host
description:
  - "From C(ip -j addr show) and C(ip -j -4 route show default) (one JSON document per line): per network the device
    holding the address, whether it exists, its MTU and the planned (or DHCP) address when present."
  - Decided in Python (C(plugins/module_utils/nic_state.py)); the node_network role only carries the result.
positional: ip_lines
options:
  _input:
    description: The host's NIC plan.
    type: list
    elements: dict
    required: true
  ip_lines:
    description: The two lines of output, C(ip -j addr show) then C(ip -j -4 route show default).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Use nic_seen
  ansible.builtin.debug:
    msg: "{{ node_network_plan | multihomed.rke2.nic_seen(_node_network_ip_addr.stdout_lines) }}"
"""

RETURN = r"""
_value:
  description: C(seen) (network -> device, exists, mtu, address), C(missing) (networks without their address), C(default_routes).
  type: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nic_seen(plan, ip_lines):
    args = validate_args(DOCUMENTATION, "nic_seen", ip_lines=ip_lines)
    return nic_state.seen(plan, args["ip_lines"])


class FilterModule(object):
    def filters(self):
        return {"nic_seen": nic_seen}
