# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nm_connections
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: NetworkManager keyfiles, as data, for a host's NIC plan
description:
  - Renders the output of the C(multihomed.rke2.host_networks) filter as NetworkManager connection profiles, one
    per network, plus a bare profile for a VLAN trunk that carries no network of its own.
  - Each profile is C({id, device, trunk, data}) where C(data) maps keyfile sections to keys and values.
  - UUIDs are derived from the profile id, so they are stable across runs.
positional: prefix, priority
options:
  prefix:
    description: Prefix of the connection ids (and keyfile names).
    type: str
    default: multihomed-
  priority:
    description: C(connection.autoconnect-priority) of the profiles.
    type: int
    default: 10
extends_documentation_fragment:
  - multihomed.rke2.model.plan
"""

EXAMPLES = r"""
- name: NetworkManager profiles for this host
  ansible.builtin.debug:
    msg: "{{ multihomed_networks | multihomed.rke2.host_networks(hostvars[inventory_hostname])
             | multihomed.rke2.nm_connections('multihomed-', 10) }}"
"""

RETURN = r"""
_value:
  description: Connection profiles.
  type: list
  elements: dict
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_config
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validate_args


@filter_errors
def nm_connections(plan, prefix="multihomed-", priority=10):
    args = validate_args(DOCUMENTATION, "nm_connections", prefix=prefix, priority=priority)
    return nic_config.nm_connections(plan, prefix=args["prefix"], priority=args["priority"])


class FilterModule(object):
    def filters(self):
        return {"nm_connections": nm_connections}
