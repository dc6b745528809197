#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: network_attachment
author:
  - multihomed.rke2 contributors (@multihomed)
version_added: 0.1.0
short_description: Manage Multus NetworkAttachmentDefinitions in one task over one API connection
description:
  - Creates, updates and deletes C(k8s.cni.cncf.io/v1) NetworkAttachmentDefinitions (NADs), as rendered by the
    P(multihomed.rke2.nad_manifests#filter) filter, in one task over one API connection (one list per namespace,
    one write per change) instead of one C(kubernetes.core.k8s) task per object.
  - Every definition is validated before any API call, with the shared network model rules; the CNI config in
    C(spec.config) must be a JSON object with C(cniVersion), C(name), a known C(type) (for a conflist, a known
    type for each plugin) and, when it has an C(ipam) section, a known C(ipam.type); names must be DNS-1123 and
    the label C(app.kubernetes.io/managed-by=multihomed.rke2) must be present. Errors name the NAD and the field.
  - Idempotent. A NAD is updated only when it differs from the definition. C(spec.config) is compared as parsed
    JSON (key order and spacing do not matter), labels and annotations as a subset (others are kept), using a
    JSON merge patch.
  - When another writer creates a NAD between the module's listing and its create (409 Conflict), the module reads
    that object and patches it if it differs from the definition (action V(updated), else V(unchanged)), with a
    warning; C(kubernetes.core.k8s) reports such a create as unchanged without comparing.
  - Check mode sends the writes as server-side dry-runs (C(dryRun=All)), so admission and schema errors show up
    without changing anything; diff mode returns the live and the resulting object of each changed NAD.
  - Fails with a clear message when the NetworkAttachmentDefinition CRD is not served (Multus not enabled), when a
    namespace does not exist (unless O(create_namespaces=true)) and when the API rejects the credentials (401/403).
  - Belongs to the C(multihomed.rke2.k8s) action group, which extends C(kubernetes.core.k8s), so C(module_defaults)
    for C(group/multihomed.rke2.k8s) carry O(kubeconfig), O(context) and the other connection options to this module
    and to every C(kubernetes.core) k8s module alike (C(group/kubernetes.core.k8s) does not include this module).
options:
  definitions:
    description:
      - NetworkAttachmentDefinition objects (C(apiVersion), C(kind), C(metadata.name), C(metadata.namespace),
        C(metadata.labels), C(spec.config)), usually C(multihomed_report | multihomed.rke2.nad_manifests).
      - C(spec.config) is a JSON string; a mapping is accepted too and serialized.
      - C(apiVersion) and C(kind) default to C(k8s.cni.cncf.io/v1) and C(NetworkAttachmentDefinition).
    type: list
    elements: dict
    default: []
  state:
    description:
      - V(present) creates or updates the definitions.
      - V(absent) deletes them; a live NAD without the managed-by label is left alone (with a warning).
    type: str
    choices: [present, absent]
    default: present
  prune:
    description:
      - With O(state=present), also delete NADs that carry the label C(app.kubernetes.io/managed-by=multihomed.rke2)
        but are not in O(definitions), in the namespaces of O(definitions) and in O(prune_namespaces).
      - NADs without that label are never touched. Ignored (with a warning) when O(state=absent).
    type: bool
    default: false
  prune_namespaces:
    description:
      - More namespaces to prune in, for example one whose NADs were all removed from the model.
      - Only used with O(prune=true). A namespace that does not exist is skipped.
    type: list
    elements: str
    default: []
  crd_wait_timeout:
    description:
      - Seconds to wait for the NetworkAttachmentDefinition CRD to be served before failing (Multus installs it a
        little after RKE2 first starts). V(0) fails at once when it is missing.
    type: int
    default: 0
    version_added: 0.1.0
  crd_wait_delay:
    description: Seconds between two looks for the CRD while waiting (O(crd_wait_timeout)).
    type: int
    default: 5
    version_added: 0.1.0
  create_namespaces:
    description:
      - Create the namespaces of O(definitions) that do not exist yet (labelled as managed by multihomed.rke2).
      - When V(false), a missing namespace fails the task before anything is written.
    type: bool
    default: false
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - multihomed.rke2.k8s_api
attributes:
  diff_mode:
    description: Returns before/after of every NAD that is created, updated or deleted.
    support: full
notes:
  - Namespaces created by a check-mode run do not exist on the server, so the NADs in them are predicted (shown as
    created) without a server-side dry-run.
seealso:
  - plugin: multihomed.rke2.nad_manifests
    plugin_type: filter
  - module: kubernetes.core.k8s
"""

EXAMPLES = r"""
- name: Apply the NADs of every network that has an attachment
  multihomed.rke2.network_attachment:
    definitions: "{{ multihomed_report | multihomed.rke2.nad_manifests }}"
    create_namespaces: true
    prune: true
    kubeconfig: /etc/rancher/rke2/rke2.yaml

- name: Same, with the connection set once for a block (or a whole play)
  module_defaults:
    group/multihomed.rke2.k8s:
      kubeconfig: "{{ lookup('ansible.builtin.env', 'KUBECONFIG') }}"
  block:
    - name: Apply the NADs
      multihomed.rke2.network_attachment:
        definitions: "{{ multihomed_report | multihomed.rke2.nad_manifests }}"

- name: Remove one hand-written NAD
  multihomed.rke2.network_attachment:
    state: absent
    definitions:
      - apiVersion: k8s.cni.cncf.io/v1
        kind: NetworkAttachmentDefinition
        metadata:
          name: macvlan-storage
          namespace: multus-network-attachments
          labels:
            app.kubernetes.io/managed-by: multihomed.rke2
        spec:
          config: '{"cniVersion": "0.3.1", "name": "macvlan-storage", "type": "macvlan", "ipam": {"type": "dhcp"}}'

- name: Delete every managed NAD of a namespace that left the model
  multihomed.rke2.network_attachment:
    definitions: []
    prune: true
    prune_namespaces:
      - old-networks
"""

RETURN = r"""
results:
  description: One entry per definition, then one per pruned NAD, in that order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: NAD name.
      type: str
      sample: macvlan-storage
    namespace:
      description: NAD namespace.
      type: str
      sample: multus-network-attachments
    action:
      description:
        - V(created), V(updated), V(unchanged), V(deleted), or V(skipped) (state=absent, but the live NAD is not
          managed by multihomed.rke2). In check mode, what would happen.
      type: str
      sample: created
    changed:
      description: Whether this NAD was (or, in check mode, would be) changed.
      type: bool
    changes:
      description: Fields that differed, for V(updated).
      type: list
      elements: str
      returned: when action is updated
      sample: [spec.config]
    pruned:
      description: Set on NADs deleted by O(prune).
      type: bool
      returned: when pruned
namespaces_created:
  description: Namespaces created (or, in check mode, that would be created) because of O(create_namespaces).
  returned: always
  type: list
  elements: str
  sample: [multus-network-attachments]
diff:
  description: Before and after of each changed NAD (server bookkeeping fields removed).
  returned: in diff mode, when something changed
  type: list
  elements: dict
errors:
  description: Every validation problem, each naming the NAD and the field.
  returned: on validation failure
  type: list
  elements: str
  sample: ["NetworkAttachmentDefinition 'ns/storage' (definitions[0]): spec.config.ipam.type 'foo' is not a known IPAM plugin"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.multihomed.rke2.plugins.module_utils.nad_apply import run_module
from ansible_collections.multihomed.rke2.plugins.module_utils.nad_client import argument_spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_module(module)


if __name__ == "__main__":
    main()
