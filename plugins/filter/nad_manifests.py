# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nad_manifests
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: NetworkAttachmentDefinitions for every network with an attachment
description:
  - Renders one C(k8s.cni.cncf.io/v1) NetworkAttachmentDefinition per network that has an C(attachment), with the
    label C(app.kubernetes.io/managed-by=multihomed.rke2) and C(spec.config) as a JSON string.
  - C(master) defaults to the network's device (C(<parent>.<vlan>) for VLAN sub-interfaces).
extends_documentation_fragment:
  - multihomed.rke2.model
"""

EXAMPLES = r"""
- name: Apply the NADs
  multihomed.rke2.network_attachment:
    definitions: "{{ multihomed_networks | multihomed.rke2.nad_manifests }}"
"""

RETURN = r"""
_value:
  description: NetworkAttachmentDefinition objects, in model order.
  type: list
  elements: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import report
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors


@filter_errors
def nad_manifests(networks):
    return report.build(networks, [])["nads"]


class FilterModule(object):
    def filters(self):
        return {"nad_manifests": nad_manifests}
