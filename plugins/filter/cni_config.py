# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cni_config
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The CNI config of one network's attachment
description:
  - Returns the CNI network config (the same object that goes, as JSON, into the NetworkAttachmentDefinition's
    C(spec.config)) of the named network.
positional: network
options:
  network:
    description: Name of the network in C(multihomed_networks).
    type: str
    required: true
extends_documentation_fragment:
  - multihomed.rke2.model
"""

EXAMPLES = r"""
- name: Write the storage network's CNI config
  ansible.builtin.copy:
    dest: /etc/cni/multus/net.d/storage.conf
    content: "{{ multihomed_networks | multihomed.rke2.cni_config('storage') | to_nice_json }}"
    mode: "0644"
"""

RETURN = r"""
_value:
  description: CNI config with cniVersion, name, type, master/bridge/device, mode, mtu and ipam.
  type: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render
from ansible_collections.multihomed.rke2.plugins.module_utils.model import load_networks
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def cni_config(networks, network):
    args = validate_args(DOCUMENTATION, "cni_config", network=network)
    return k8s_render.network_cni_config(load_networks(networks), args["network"])


class FilterModule(object):
    def filters(self):
        return {"cni_config": cni_config}
