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
version_added: 1.2.0
short_description: Set Longhorn Settings (such as storage-network) in one task over one API connection
description:
  - Looks whether Longhorn is installed (the API serves C(longhorn.io/v1beta2) C(Setting)); when it is not, changes
    nothing and returns RV(installed=false).
  - Checks that the NetworkAttachmentDefinition O(nad) exists, when given, before any change (Longhorn's instance
    managers do not start with a storage network that names a missing NAD).
  - Lists the namespace's Settings once, creates the missing ones and merge-patches those whose C(value) differs;
    values are compared as the strings Longhorn stores. Idempotent.
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
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
attributes:
  check_mode:
    description: Writes are sent as server-side dry-runs; nothing is persisted.
    support: full
  diff_mode:
    description: Returns the value before and after of every Setting that changes.
    support: full
  platform:
    description: Runs on the controller (or wherever the kubeconfig is); talks to the Kubernetes API.
    platforms: posix
    support: full
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0 (Python client)
  - the kubernetes.core collection
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
live_settings:
  description: The names of every Setting in the namespace (which settings this Longhorn version has).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_setting, nad_client


def main():
    spec = nad_client.api_argument_spec(dict(namespace=dict(type="str", default="longhorn-system"),
                                             settings=dict(type="dict", default={}), nad=dict(type="str", default="")))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    nad_client.require_libraries(module)
    try:
        result = longhorn_setting.run(module.params, module.check_mode)
    except nad_client.NadError as exc:
        module.fail_json(msg=exc.msg, **exc.details)
    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
