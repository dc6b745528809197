# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: node_ip
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: A host's address on the cluster network, for RKE2's node-ip
description:
  - Returns the host's address on the network with C(purpose=cluster), never the address of the NIC holding the
    default route.
  - With DHCP on the cluster network the address is read from the host's gathered facts (C(ansible_facts)).
positional: host_vars
options:
  host_vars:
    description:
      - The host's variables, usually C(hostvars[inventory_hostname]), or a list of hosts' variables (then a list of
        addresses, in the same order is returned).
    type: raw
    required: true
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: node-ip for config.yaml
  ansible.builtin.set_fact:
    rke2_node_ip: "{{ multihomed_report | multihomed.rke2.node_ip(hostvars[inventory_hostname]) }}"

- name: node-ips of every server
  ansible.builtin.debug:
    msg: "{{ multihomed_report | multihomed.rke2.node_ip(groups['rke2_servers'] | map('extract', hostvars) | list) }}"
"""

RETURN = r"""
_value:
  description:
    - The address, without prefix (a list of them for a list of hosts).
    - On a dual-stack cluster network both addresses as RKE2's node-ip takes them, C(v4,v6).
  type: raw
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import plan
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, host_info, require_report


@filter_errors
def node_ip(report, host_vars):
    require_report(report, "node_ip")
    if isinstance(host_vars, list):
        return [_node_ip(report, item) for item in host_vars]
    return _node_ip(report, host_vars)


def _node_ip(report, host_vars):
    host = host_info(host_vars)
    cluster = report["cluster"]
    if host.name not in report["plans"]:
        raise ModelError([f"network '{cluster['network']}', host '{host.name}': groups: the host is in none of the "
                          f"cluster network's groups ({', '.join(cluster['groups'])})"])
    facts = host_vars.get("ansible_facts")
    return plan.node_ip_from_facts(cluster["network"], cluster["groups"], host.name, report["plans"][host.name], facts)


class FilterModule(object):
    def filters(self):
        return {"node_ip": node_ip}
