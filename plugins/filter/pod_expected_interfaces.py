# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pod_expected_interfaces
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The interfaces net1, net2, ... a test pod gets for the selected networks
description:
  - Picks the networks to attach to a test pod (the selection, in its order; or every attachment, in model order)
    and names their interfaces C(net1), C(net2), ...
  - Fails naming every selected network that has no attachment, and networks selected twice.
positional: selection
options:
  _input:
    description:
      - The attachments, each a mapping with C(network), C(cidr), C(namespace) and C(name), as returned by
        C(multihomed.rke2.pod_attachments).
    type: list
    elements: dict
    required: true
  selection:
    description: Names of networks (keys of C(multihomed_networks)) to attach, in order; empty selects all.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: The storage and services networks as net1 and net2
  ansible.builtin.set_fact:
    expected: >-
      {{ multihomed_networks | multihomed.rke2.nad_manifests
         | multihomed.rke2.pod_attachments(multihomed_networks)
         | multihomed.rke2.pod_expected_interfaces(['storage', 'services']) }}

- name: The pod's networks annotation for them
  ansible.builtin.debug:
    msg: "{{ expected | map(attribute='selection') | multihomed.rke2.network_selection }}"
"""

RETURN = r"""
_value:
  description: One entry per selected network, in interface order.
  type: list
  elements: dict
  contains:
    network:
      description: Name of the network.
      type: str
    interface:
      description: Interface name in the pod, C(net1), C(net2), ...
      type: str
    cidr:
      description: The network's CIDR.
      type: str
    namespace:
      description: Namespace of the NetworkAttachmentDefinition.
      type: str
    name:
      description: Name of the NetworkAttachmentDefinition.
      type: str
    selection:
      description: C(name), C(namespace) and C(interface), an item for C(multihomed.rke2.network_selection).
      type: dict
  sample:
    - network: storage
      interface: net1
      cidr: 172.16.50.0/24
      namespace: multus-network-attachments
      name: macvlan-longhorn
      selection: {name: macvlan-longhorn, namespace: multus-network-attachments, interface: net1}
"""


from ansible_collections.multihomed.rke2.plugins.module_utils import pod_check
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def pod_expected_interfaces(attachments, selection=None):
    selection = validate_args(DOCUMENTATION, "pod_expected_interfaces", selection=selection)["selection"]
    return pod_check.expected_interfaces(attachments, selection)


class FilterModule(object):
    def filters(self):
        return {"pod_expected_interfaces": pod_expected_interfaces}
