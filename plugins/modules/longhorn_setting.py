#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: longhorn_setting
author:
  - multihomed.rke2 contributors (@multihomed)
version_added: 0.1.0
short_description: Set Longhorn Settings (such as storage-network) in one task over one API connection
description:
  - Looks whether Longhorn is installed (the API serves C(longhorn.io/v1beta2) C(Setting)); when it is not, changes
    nothing and returns RV(installed=false).
  - Checks that the NetworkAttachmentDefinition O(nad) exists, when given, before any change (Longhorn's instance
    managers do not start with a storage network that names a missing NAD).
  - Lists the namespace's Settings once, creates the missing ones and merge-patches those whose C(value) differs;
    values are compared as the strings Longhorn stores. Idempotent.
  - With O(rwx_network), also puts RWX volumes on that network. Which Setting does it is decided in the same session,
    C(endpoint-network-for-rwx-volume) (Longhorn 1.11 and later) or C(storage-network-for-rwx-volume-enabled)
    (1.7 to 1.10), by O(version), else by the Settings the cluster has (longhorn-manager creates one per setting it
    knows). When neither can tell, or the version is older than 1.7, it fails before any write.
  - Check mode sends the writes as server-side dry-runs (C(dryRun=All)); diff mode shows each changed value.
  - Belongs to the C(multihomed.rke2.k8s) action group, which extends C(kubernetes.core.k8s), so C(module_defaults)
    for C(group/multihomed.rke2.k8s) carry the connection options.
options:
  namespace:
    description: Longhorn's namespace.
    type: str
    default: longhorn-system
  settings:
    description:
      - Setting name to value, for example C(storage-network) to C(multus-network-attachments/macvlan-storage).
    type: dict
    default: {}
  nad:
    description: A NetworkAttachmentDefinition V(<namespace>/<name>) that must exist; empty, not checked.
    type: str
    default: ""
  rwx_network:
    description:
      - The NetworkAttachmentDefinition V(<namespace>/<name>) RWX volumes should use; empty, RWX settings are left
        alone.
    type: str
    default: ""
  version:
    description:
      - The Longhorn release (V(1.9.2) or V(v1.9.2)) that decides the RWX setting; empty, the cluster's Settings
        decide.
    type: str
    default: ""
  required:
    description: Fail when Longhorn is not installed, instead of returning RV(installed=false).
    type: bool
    default: false
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - multihomed.rke2.k8s_api
attributes:
  diff_mode:
    description: Returns the value before and after of every Setting that changes.
    support: full
seealso:
  - name: Longhorn storage network
    description: the storage-network setting and the NetworkAttachmentDefinition it names.
    link: https://longhorn.io/docs/1.9.0/advanced-resources/deploy/storage-network/
  - module: kubernetes.core.k8s
"""

EXAMPLES = r"""
- name: Point Longhorn's storage network at the model's storage NAD
  multihomed.rke2.longhorn_setting:
    settings:
      storage-network: multus-network-attachments/macvlan-longhorn-dhcp
    nad: multus-network-attachments/macvlan-longhorn-dhcp
    kubeconfig: /etc/rancher/rke2/rke2.yaml

- name: The same, RWX volumes on that network too (the Setting chosen for Longhorn 1.9)
  multihomed.rke2.longhorn_setting:
    settings:
      storage-network: multus-network-attachments/macvlan-longhorn-dhcp
    nad: multus-network-attachments/macvlan-longhorn-dhcp
    rwx_network: multus-network-attachments/macvlan-longhorn-dhcp
    version: 1.9.2
    kubeconfig: /etc/rancher/rke2/rke2.yaml
"""

RETURN = r"""
installed:
  description: Whether Longhorn is installed (the API serves its Setting resource). When false, nothing was done.
  returned: always
  type: bool
settings:
  description: Each wanted setting with C(action) (create, update, unchanged), C(before) and C(after).
  returned: always
  type: dict
  sample: {storage-network: {action: update, before: "", after: multus-network-attachments/macvlan-longhorn-dhcp}}
changed_settings:
  description: The names of the Settings created or updated (would be, in check mode).
  returned: always
  type: list
  elements: str
live_settings:
  description: The names of every Setting in the namespace (which settings this Longhorn version has).
  returned: always
  type: list
  elements: str
rwx:
  description:
    - What puts RWX volumes on O(rwx_network), decided from O(version) and the cluster's Settings.
  returned: when O(rwx_network) is given and Longhorn is installed
  type: dict
  contains:
    feature:
      description: C(longhorn_rwx_endpoint_network) or C(longhorn_rwx_storage_network).
      type: str
    settings:
      description: Setting name to value.
      type: dict
    helm_values:
      description: The matching Helm values (empty for 1.7 to 1.10).
      type: dict
    errors:
      description: Why RWX volumes cannot use the network (the module failed).
      type: list
      elements: str
    warnings:
      description: What was assumed (unknown version) or does not match the cluster.
      type: list
      elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_setting, nad_client


def main():
    spec = nad_client.api_argument_spec(dict(namespace=dict(type="str", default="longhorn-system"),
                                             settings=dict(type="dict", default={}), nad=dict(type="str", default=""),
                                             rwx_network=dict(type="str", default=""),
                                             version=dict(type="str", default=""),
                                             required=dict(type="bool", default=False)))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    nad_client.run_api_module(module, lambda: longhorn_setting.run(module.params, module.check_mode))


if __name__ == "__main__":
    main()
