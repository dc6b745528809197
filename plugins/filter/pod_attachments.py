# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pod_attachments
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The attachments a test pod can use, with their networks' CIDRs
description:
  - Every network with an C(attachment), in model order, with its NetworkAttachmentDefinition and C(cidr), read from
    the validated model.
  - The input of C(multihomed.rke2.pod_expected_interfaces), used by the C(multihomed.rke2.validate) playbook.
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Attachments of the model, with CIDRs
  ansible.builtin.set_fact:
    attachments: "{{ multihomed_report | multihomed.rke2.pod_attachments }}"
  # [{network: storage, cidr: 172.16.50.0/24, namespace: multus-network-attachments, name: macvlan-longhorn}, ...]
"""

RETURN = r"""
_value:
  description: One entry per network with an attachment, in model order.
  type: list
  elements: dict
  contains:
    network:
      description: Name of the network in C(multihomed_networks).
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
"""


from ansible_collections.multihomed.rke2.plugins.module_utils import pod_check
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors


@filter_errors
def pod_attachments(report):
    return pod_check.attachments_from_report(report)


class FilterModule(object):
    def filters(self):
        return {"pod_attachments": pod_attachments}
