# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: longhorn_rwx_settings
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: The Longhorn Settings and Helm values that put RWX volumes on the storage network
description:
  - Longhorn 1.11 and later, Setting C(endpoint-network-for-rwx-volume) set to the NAD (C(<namespace>/<name>)),
    Helm C(defaultSettings.endpointNetworkForRWXVolume).
  - Longhorn 1.7 to 1.10, Setting C(storage-network-for-rwx-volume-enabled) set to C("true") (RWX volumes use the
    storage-network); the charts of those releases have no Helm value for it (warning when no cluster is read).
  - Older Longhorn is an error naming the version and the minimum (1.7.0).
  - With an unknown O(version) (empty, C(latest); the filter C(multihomed.rke2.feature_versions) warns about it) the
    Setting objects of the cluster (O(live)) decide; without them the Helm value of 1.11 is returned, with a warning
    (Helm ignores values a chart does not use).
options:
  _input:
    description: The storage network's NAD, C(<namespace>/<name>) (the value of the C(storage-network) setting).
    type: str
    required: true
  version:
    description: The Longhorn release, C(1.9.2) or C(v1.9.2); empty when unknown.
    type: str
    default: ""
  live:
    description:
      - Names of the C(settings.longhorn.io) objects in Longhorn's namespace; omit when the cluster is not read.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: RWX volumes on the storage network of Longhorn 1.9
  ansible.builtin.debug:
    msg: "{{ 'longhorn-system/storage' | multihomed.rke2.longhorn_rwx_settings(version='1.9.2') }}"
  # settings: {storage-network-for-rwx-volume-enabled: "true"}, helm_values: {}, warnings: [no Helm value ...]
"""

RETURN = r"""
_value:
  description: What to set, and the problems found.
  type: dict
  contains:
    feature:
      description: C(longhorn_rwx_endpoint_network) or C(longhorn_rwx_storage_network); empty on error.
      type: str
    settings:
      description: Longhorn Setting name to value (C(longhorn.io/v1beta2) Setting C(value)).
      type: dict
      sample: {endpoint-network-for-rwx-volume: longhorn-system/storage}
    helm_values:
      description: Helm values for the Longhorn chart (empty for 1.7 to 1.10).
      type: dict
    errors:
      description: Why RWX volumes cannot use the storage network.
      type: list
      elements: str
    warnings:
      description: What was assumed (unknown version) or must be done by hand.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_rwx
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def longhorn_rwx_settings(value, version="", live=None):
    args = validate_args(DOCUMENTATION, "longhorn_rwx_settings", version=version, live=live)
    if not isinstance(value, str) or len(value.split("/")) != 2 or not all(value.split("/")):
        raise AnsibleFilterError(f"longhorn_rwx_settings: expected the NAD as <namespace>/<name>, got {value!r}")
    return longhorn_rwx.rwx_settings(value, args["version"] or "", args["live"])


class FilterModule(object):
    def filters(self):
        return {"longhorn_rwx_settings": longhorn_rwx_settings}
