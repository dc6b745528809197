# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pod_network_check
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: Check that every netN of a pod has an address in its network's CIDR
description:
  - For each expected interface, checks Multus' C(k8s.v1.cni.cncf.io/network-status) annotation (an entry for the
    interface, naming the right NetworkAttachmentDefinition, with an address in the CIDR) and the addresses the
    pod really has (C(ip -j addr show) run inside it), and that the addresses network-status reports are on the
    interface. IPv4 and IPv6 alike; IPv6 link-local addresses are left out.
  - Returns a result per interface rather than failing, so that a playbook can print them all; malformed input
    (not JSON, not a list) fails.
positional: network_status, ip_addr
options:
  _input:
    description: The expected interfaces, as returned by C(multihomed.rke2.pod_expected_interfaces).
    type: list
    elements: dict
    required: true
  network_status:
    description:
      - The pod's C(k8s.v1.cni.cncf.io/network-status) annotation, as JSON text or parsed (a list of mappings
        with C(name), C(interface), C(ips)). Empty or null when Multus wrote none.
    type: raw
    required: true
  ip_addr:
    description: Output of C(ip -j addr show) inside the pod (iproute2 JSON), as text or parsed.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Check the pod's interfaces
  ansible.builtin.set_fact:
    results: >-
      {{ expected | multihomed.rke2.pod_network_check(
           pod.metadata.annotations['k8s.v1.cni.cncf.io/network-status'] | default(none), ip_j.stdout) }}

- name: All of them are fine
  ansible.builtin.assert:
    that: results | rejectattr('ok') | list | length == 0
    fail_msg: "{{ results | rejectattr('ok') | map(attribute='message') | list }}"
"""

RETURN = r"""
_value:
  description: One result per expected interface, in the same order.
  type: list
  elements: dict
  contains:
    interface:
      description: Interface name in the pod.
      type: str
    network:
      description: Name of the network.
      type: str
    expected_cidr:
      description: The network's CIDR.
      type: str
    status_ips:
      description: Addresses network-status reports for the interface.
      type: list
      elements: str
    pod_ips:
      description: Addresses of the interface inside the pod (without prefix length).
      type: list
      elements: str
    ok:
      description: Whether both have an address in the CIDR, on the right attachment.
      type: bool
    message:
      description: What was found, naming interface, network and attachment; on failure every problem.
      type: str
  sample:
    - interface: net1
      network: storage
      expected_cidr: 172.16.50.0/24
      status_ips: [172.16.50.20]
      pod_ips: [172.16.50.20]
      ok: true
      message: "net1 (network 'storage', multus-network-attachments/macvlan-longhorn): 172.16.50.20 in 172.16.50.0/24"
"""


from ansible_collections.multihomed.rke2.plugins.module_utils import pod_check
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def pod_network_check(expected, network_status, ip_addr):
    validate_args(DOCUMENTATION, "pod_network_check", network_status=network_status, ip_addr=ip_addr)
    return pod_check.check_pod(expected, network_status, ip_addr)


class FilterModule(object):
    def filters(self):
        return {"pod_network_check": pod_network_check}
