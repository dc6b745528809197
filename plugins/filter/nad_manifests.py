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
  - One C(k8s.cni.cncf.io/v1) NetworkAttachmentDefinition per network that has an C(attachment), with the label
    C(app.kubernetes.io/managed-by=multihomed.rke2) and C(spec.config) as a JSON string, exactly as the role
    C(multihomed.rke2.multus_networks) applies them.
  - Takes the validated model (the report), which knows every host, so C(whereabouts) pools exclude the nodes' own
    addresses on the network, and C(master) is the device every host of the network has (C(<parent>.<vlan>) for
    VLAN sub-interfaces).
  - The raw C(multihomed_networks) is refused (it knows no host, so its pools could hand a node's address to a pod).
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Apply the NADs of an existing cluster (playbooks/preflight.yml published multihomed_report)
  multihomed.rke2.network_attachment:
    definitions: "{{ multihomed_report | multihomed.rke2.nad_manifests }}"

- name: The same NADs without preflight.yml, validated from the inventory
  ansible.builtin.copy:
    content: "{{ multihomed_networks | multihomed.rke2.validate_model(hostvars, groups) | multihomed.rke2.nad_manifests | to_nice_yaml }}"
    dest: /tmp/nads.yml
    mode: "0644"
"""

RETURN = r"""
_value:
  description: NetworkAttachmentDefinition objects, in model order.
  type: list
  elements: dict
"""

from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, plain_data, require_report


@filter_errors
def nad_manifests(report):
    # a plain copy: ansible-core 2.19 and later pass lazy containers, and deep-copying one is deprecated in 2.22
    return plain_data(require_report(report, "nad_manifests")["nads"])


class FilterModule(object):
    def filters(self):
        return {"nad_manifests": nad_manifests}
