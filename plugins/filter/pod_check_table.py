# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pod_check_table
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: A readable table of pod network check results
description:
  - Lines of an aligned table (interface, network, CIDR, pod addresses, network-status addresses, ok) of the
    results of C(multihomed.rke2.pod_network_check), for C(ansible.builtin.debug).
options:
  _input:
    description: Results of C(multihomed.rke2.pod_network_check).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the pod's interfaces
  ansible.builtin.debug:
    msg: "{{ results | multihomed.rke2.pod_check_table }}"
"""

RETURN = r"""
_value:
  description: A header line, then one line per interface.
  type: list
  elements: str
  sample:
    - "interface  network  CIDR            pod addresses  network-status  ok"
    - "net1       storage  172.16.50.0/24  172.16.50.20   172.16.50.20    yes"
"""


from ansible_collections.multihomed.rke2.plugins.module_utils import pod_check
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors


@filter_errors
def pod_check_table(results):
    return pod_check.table(results)


class FilterModule(object):
    def filters(self):
        return {"pod_check_table": pod_check_table}
