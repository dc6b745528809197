# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: netplan_config
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The netplan document for a host's NIC plan
description:
  - Renders the output of the C(multihomed.rke2.host_networks) filter as a netplan (version 2) document.
  - Dedicated NICs go under C(ethernets), 802.1Q sub-interfaces under C(vlans) with their trunk declared.
  - Only the network carrying the default route gets one; DHCP networks that do not carry it ignore DHCP routes
    (C(dhcp4-overrides.use-routes=false)). A planned MAC becomes C(match.macaddress) and C(set-name).
positional: renderer
options:
  renderer:
    description: The netplan renderer.
    type: str
    default: networkd
    choices: [networkd, NetworkManager]
extends_documentation_fragment:
  - multihomed.rke2.model.plan
"""

EXAMPLES = r"""
- name: Write the NIC plan as netplan
  ansible.builtin.copy:
    dest: /etc/netplan/60-multihomed.yaml
    content: "{{ multihomed_networks | multihomed.rke2.host_networks(hostvars[inventory_hostname])
                 | multihomed.rke2.netplan_config | to_nice_yaml }}"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The netplan document (C(network.version), C(renderer), C(ethernets), C(vlans)).
  type: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def netplan_config(plan, renderer="networkd"):
    args = validate_args(DOCUMENTATION, "netplan_config", renderer=renderer)
    return nic_config.netplan_config(plan, renderer=args["renderer"])


class FilterModule(object):
    def filters(self):
        return {"netplan_config": netplan_config}
