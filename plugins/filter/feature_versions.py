# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: feature_versions
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: Check that the RKE2 and Longhorn versions have the features in use
description:
  - Checks each feature in use against the table of minimum versions (the collection's docs/compatibility.md). RKE2
    rows give the first release of every minor line that has the feature (C(v1.28.5+rke2r1) lacks
    C(manifests.dhcpDaemonSet), C(v1.28.6+rke2r1) has it; a minor line newer than all listed has it, an older one has
    not); Longhorn rows give one minimum, and the replaced RWX setting a maximum.
  - An error names the feature, the version given and the minimum. A version that is not a release (C(latest),
    C(stable), a channel such as C(v1.31), empty) gives a warning, never an error.
  - Only the versions of components that constrain a feature are read; RKE2 versions are C(v1.31.5+rke2r1) (without
    C(+rke2rN) read as C(+rke2r1)), Longhorn versions C(1.9.2) or C(v1.9.2).
options:
  _input:
    description: The features in use.
    type: list
    elements: str
    required: true
    choices:
      - canal_regex_iface
      - multus_dhcp_daemonset
      - multus_thick_plugin
      - cilium_exclusive_default
      - calico_ipv6_only
      - route_priority
      - longhorn_storage_network
      - longhorn_rwx_network
      - longhorn_rwx_storage_network
      - longhorn_rwx_endpoint_network
  rke2_version:
    description: The RKE2 release (C(rke2_version)); empty or C(latest) cannot be checked (warning).
    type: str
    default: ""
  longhorn_version:
    description: The Longhorn release; empty cannot be checked (warning).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Check that the RKE2 release has what the model renders
  ansible.builtin.set_fact:
    feature_check: >-
      {{ ['canal_regex_iface', 'multus_dhcp_daemonset']
         | multihomed.rke2.feature_versions(rke2_version='v1.28.5+rke2r1') }}
  # errors: ["RKE2 v1.28.5+rke2r1 lacks rke2-multus manifests.dhcpDaemonSet (multus_dhcp_daemonset): the 1.28 line
  #          has it from v1.28.6+rke2r1; run the CNI dhcp daemon on every node yourself"]

- name: Fail on errors, print warnings
  ansible.builtin.assert:
    that: feature_check.errors | length == 0
    fail_msg: "{{ feature_check.errors | join('; ') }}"
"""

RETURN = r"""
_value:
  description: The problems found.
  type: dict
  contains:
    errors:
      description: One line per feature the given version lacks, naming the feature, the version and the minimum.
      type: list
      elements: str
    warnings:
      description: One line per feature whose version is not a release (C(latest), empty), so it was not checked.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import versions
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def feature_versions(features, rke2_version="", longhorn_version=""):
    args = validate_args(DOCUMENTATION, "feature_versions", rke2_version=rke2_version,
                         longhorn_version=longhorn_version)
    if not isinstance(features, (list, tuple)) or not all(isinstance(f, str) for f in features):
        raise AnsibleFilterError(f"feature_versions: expected a list of feature names, got {features!r}")
    unknown = [f for f in features if f not in versions.FEATURES]
    if unknown:
        raise AnsibleFilterError(f"feature_versions: unknown features {', '.join(unknown)}; "
                                 f"known: {', '.join(versions.FEATURES)}")
    return versions.check_all(features, {versions.RKE2: args["rke2_version"] or "",
                                         versions.LONGHORN: args["longhorn_version"] or ""})


class FilterModule(object):
    def filters(self):
        return {"feature_versions": feature_versions}
