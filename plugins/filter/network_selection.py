# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: network_selection
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: Value of the k8s.v1.cni.cncf.io/networks pod annotation
description:
  - Builds the Multus network selection annotation from a list of attachments.
  - Returns the short form (C(ns/name@ifname,...)) when names, namespaces and interfaces say it all, otherwise the
    JSON form with C(interface), C(ips), C(mac) and C(default-route).
positional: namespace
options:
  _input:
    description:
      - Attachments, each a name (C(name), C(ns/name), C(name@net2)) or a mapping with C(name) and optional
        C(namespace), C(interface), C(ips), C(mac), C(default_route).
    type: list
    elements: raw
    required: true
  namespace:
    description: Namespace for items that do not name one.
    type: str
  model:
    description:
      - The validated model (C(multihomed_report)). When given, an item asking for C(ips) or C(mac) on a NAD of the
        model that cannot take them (the NAD declares no such capability, e.g. whereabouts or dhcp IPAM for C(ips),
        ipvlan or host-device for C(mac)) is refused instead of being silently ignored by Multus.
    type: dict
"""

EXAMPLES = r"""
- name: Annotation for a pod on the storage and services networks
  ansible.builtin.set_fact:
    networks_annotation: >-
      {{ ['macvlan-longhorn-dhcp', {'name': 'macvlan-private-dhcp', 'interface': 'net2'}]
         | multihomed.rke2.network_selection('multus-network-attachments') }}
"""

RETURN = r"""
_value:
  description: The annotation value.
  type: str
  sample: multus-network-attachments/macvlan-longhorn-dhcp,multus-network-attachments/macvlan-private-dhcp@net2
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import selection
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def network_selection(items, namespace=None, model=None):
    args = validate_args(DOCUMENTATION, "network_selection", namespace=namespace, model=model)
    return selection.network_selection(items, namespace=args["namespace"], report=args["model"])


class FilterModule(object):
    def filters(self):
        return {"network_selection": network_selection}
