# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: topology_dot
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The cluster's network topology as Graphviz DOT source
description:
  - Networks (CIDR, VLAN), hosts, one edge per NIC (device, address, default route) and the
    NetworkAttachmentDefinitions on their networks, from the validated model.
  - Render it with Graphviz (C(dot -Tsvg)), as C(playbooks/plan.yml) does.
options:
  title:
    description: The picture's title.
    type: str
    default: multihomed.rke2 plan
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Write the topology
  ansible.builtin.copy:
    content: "{{ multihomed_report | multihomed.rke2.topology_dot(title='lab') }}"
    dest: topology.dot
    mode: "0644"
"""

RETURN = r"""
_value:
  description: Graphviz DOT source of an undirected graph.
  type: str
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import plan_view
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import (
    filter_errors,
    require_report,
    validate_args,
)


@filter_errors
def topology_dot(report, title="multihomed.rke2 plan"):
    require_report(report, "topology_dot")
    args = validate_args(DOCUMENTATION, "topology_dot", title=title)
    return plan_view.topology_dot(report, title=args["title"])


class FilterModule(object):
    def filters(self):
        return {"topology_dot": topology_dot}
