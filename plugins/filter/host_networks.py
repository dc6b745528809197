# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: host_networks
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: One host's NIC plan from the multihomed network model
description:
  - Returns, for one inventory host, the list of networks it attaches to with the kernel device, VLAN parent,
    address and prefix (or DHCP), gateway, MTU, routes and purpose.
  - The host attaches to every network listing one of its inventory groups in C(groups).
  - Fails with the network, host and field named when the model or the host's variables are invalid.
positional: host_vars
options:
  host_vars:
    description:
      - The host's variables, usually C(hostvars[inventory_hostname]). C(inventory_hostname), C(group_names),
        C(multihomed_addresses) and C(multihomed_interfaces) are read from it.
    type: dict
    required: true
extends_documentation_fragment:
  - multihomed.rke2.model
"""

EXAMPLES = r"""
- name: Show this host's NIC plan
  ansible.builtin.debug:
    msg: "{{ multihomed_networks | multihomed.rke2.host_networks(hostvars[inventory_hostname]) }}"
"""

RETURN = r"""
_value:
  description: One entry per attached network, in model order.
  type: list
  elements: dict
  contains:
    network: {description: Network name., type: str}
    purpose: {description: cluster, storage, services or other., type: str}
    device: {description: "Kernel device (C(<parent>.<vlan>) for VLAN sub-interfaces).", type: str}
    parent: {description: Parent device of a VLAN sub-interface, or null., type: str}
    vlan: {description: 802.1Q id, or null., type: int}
    mac: {description: MAC address to match the device by, or null., type: str}
    dhcp: {description: Whether the address comes from DHCP., type: bool}
    address: {description: Static address, or null with DHCP., type: str}
    prefix: {description: Prefix length of the network., type: int}
    cidr: {description: The network's CIDR., type: str}
    gateway: {description: The network's gateway, or null., type: str}
    default_route: {description: Whether this network carries the host's default route., type: bool}
    mtu: {description: MTU, or null to keep the device's., type: int}
    routes: {description: "Extra routes (C(to), C(via), C(metric)).", type: list, elements: dict}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import plan
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import Problems
from ansible_collections.multihomed.rke2.plugins.module_utils.model import load_networks
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, host_info


@filter_errors
def host_networks(networks, host_vars):
    problems = Problems()
    result = plan.host_plan(load_networks(networks), host_info(host_vars), problems)
    problems.raise_if_any()
    return result


class FilterModule(object):
    def filters(self):
        return {"host_networks": host_networks}
