# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_text
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The plan as text tables, before anything runs
description:
  - Per host its NICs (network, device, VLAN, address, MTU, default route, node-ip); the cluster CNI chart values
    given in O(cni_values); the NetworkAttachmentDefinitions with their plugin, IPAM pool, excluded addresses and
    capabilities; Longhorn's storage-network setting; every warning of the model.
  - Used by C(playbooks/plan.yml), which touches no host.
options:
  cni_values:
    description: Chart values to show, chart name -> values (for example C(rke2-canal) and C(rke2-multus)), each
      under the title C(<chart> HelmChartConfig values).
    type: dict
    default: {}
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Show the plan
  ansible.builtin.debug:
    msg: "{{ multihomed_report | multihomed.rke2.plan_text }}"
"""

RETURN = r"""
_value:
  description: The plan, as lines of text tables.
  type: str
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import plan_view
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import (
    filter_errors,
    require_report,
    validate_args,
)


@filter_errors
def plan_text(report, cni_values=None):
    require_report(report, "plan_text")
    args = validate_args(DOCUMENTATION, "plan_text", cni_values=cni_values)
    return plan_view.render(report, args["cni_values"])


class FilterModule(object):
    def filters(self):
        return {"plan_text": plan_text}
