# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: networkd_shims
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: systemd-networkd files of a host's macvlan host shims
description:
  - For each NIC plan entry with a C(shim) (a network whose macvlan attachment sets C(host_shim)), the
    systemd-networkd files that create the shim, a macvlan in bridge mode on the network's device, and give it the
    host's address, routes and MTU; netplan has no macvlan device type.
  - Per shim, a C(.netdev), a C(.network) and a drop-in on netplan's own C(.network) of the parent
    (C(10-netplan-<device>.network.d/)) that stacks the shim on it (C([Network] MACVLAN=)).
  - With the NetworkManager backend, C(multihomed.rke2.nm_connections) renders the shim as a macvlan keyfile instead.
positional: prefix
options:
  prefix:
    description: File name prefix of the C(.netdev), C(.network) and drop-in files.
    type: str
    default: 60-multihomed-
extends_documentation_fragment:
  - multihomed.rke2.model.plan
"""

EXAMPLES = r"""
- name: Write the host shims' networkd files
  ansible.builtin.copy:
    dest: "/etc/systemd/network/{{ item.path }}"
    content: |
      {% for section, keys in item.sections %}
      [{{ section }}]
      {% for key, value in keys %}
      {{ key }}={{ value }}
      {% endfor %}
      {% endfor %}
    mode: "0644"
  loop: "{{ node_network_plan | multihomed.rke2.networkd_shims }}"
"""

RETURN = r"""
_value:
  description: One item per file, C(path) relative to C(/etc/systemd/network) and C(sections), a list of
    C([section, [[key, value], ...]]) in file order (C([Route]) repeats).
  type: list
  elements: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def networkd_shims(plan, prefix="60-multihomed-"):
    args = validate_args(DOCUMENTATION, "networkd_shims", prefix=prefix)
    return nic_config.networkd_shims(plan, prefix=args["prefix"])


class FilterModule(object):
    def filters(self):
        return {"networkd_shims": networkd_shims}
