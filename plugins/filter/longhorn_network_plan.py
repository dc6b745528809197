# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: longhorn_network_plan
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: What the role longhorn_network decides before it reads the cluster
description:
  - The storage attachment Longhorn's C(storage-network) points at, its value C(<namespace>/<name>), the Helm values
    for installing Longhorn (C(defaultSettings.storageNetwork), plus the RWX value the version gives), the RWX plan
    from the version alone, and the version check of the features in use (docs/compatibility.md).
  - Which RWX Setting is set on a running Longhorn is decided later, from its Settings, by the module
    C(multihomed.rke2.longhorn_setting) (its option C(rwx_network)).
options:
  network:
    description: Name of the storage network (empty to pick the one storage network with an attachment).
    type: str
    default: ""
  version:
    description: The Longhorn release, C(1.9.2) or C(v1.9.2); empty when unknown.
    type: str
    default: ""
  rwx:
    description: RWX volumes on the storage network too (Longhorn 1.7 and later).
    type: bool
    default: false
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Longhorn 1.11's Helm values, RWX volumes on the storage network too
  ansible.builtin.debug:
    msg: "{{ (multihomed_report | multihomed.rke2.longhorn_network_plan(version='1.11.0', rwx=true)).helm_values }}"
  # {defaultSettings: {storageNetwork: ns/nad, endpointNetworkForRWXVolume: ns/nad}}
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    storage: {description: "The storage attachment: network, namespace, name, value.", type: dict}
    value: {description: "C(<namespace>/<name>), the value of the C(storage-network) setting.", type: str}
    helm_values: {description: Helm values for the Longhorn chart., type: dict}
    rwx: {description: "The RWX plan from the version (empty without O(rwx)): feature, settings, helm_values, errors,
                        warnings.", type: dict}
    errors: {description: What the version lacks; nothing may change., type: list, elements: str}
    warnings: {description: What the version check could not tell., type: list, elements: str}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_network
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def longhorn_network_plan(report, network="", version="", rwx=False):
    require_report(report, "longhorn_network_plan")
    args = validate_args(DOCUMENTATION, "longhorn_network_plan", network=network, version=version, rwx=rwx)
    return longhorn_network.network_plan(report, network=args["network"], version=args["version"] or "",
                                         rwx=args["rwx"])


class FilterModule(object):
    def filters(self):
        return {"longhorn_network_plan": longhorn_network_plan}
