# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: multus_values
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: rke2-multus HelmChartConfig values the attachments need
description:
  - C(manifests.dhcpDaemonSet=true) when any attachment uses the dhcp IPAM (the CNI DHCP daemon on every node).
  - C(rke2-whereabouts.enabled=true) when any attachment uses whereabouts IPAM.
  - C(thickPlugin.enabled=true) with O(thick_plugin) (rke2-multus from RKE2 v1.30.14+rke2r2, v1.31.11, v1.32.7,
    v1.33.3 per line; the role checks C(rke2_version) in its preflight). Left out otherwise, the chart's default
    being the thin plugin.
options:
  thick_plugin:
    description: Deploy Multus as the thick plugin (C(thickPlugin.enabled)).
    type: bool
    default: false
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Values for the rke2-multus HelmChartConfig
  ansible.builtin.debug:
    msg: "{{ multihomed_report | multihomed.rke2.multus_values(thick_plugin=true) }}"
"""

RETURN = r"""
_value:
  description: Values for C(spec.valuesContent) of the HelmChartConfig C(kube-system/rke2-multus).
  type: dict
  sample:
    manifests: {dhcpDaemonSet: true}
    rke2-whereabouts: {enabled: false}
    thickPlugin: {enabled: true}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def multus_values(report, thick_plugin=False):
    require_report(report, "multus_values")
    args = validate_args(DOCUMENTATION, "multus_values", thick_plugin=thick_plugin)
    return k8s_render.multus_values(report["multus"], thick_plugin=args["thick_plugin"])


class FilterModule(object):
    def filters(self):
        return {"multus_values": multus_values}
