# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rke2_settings_problems
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The rke2 role's settings that contradict each other
description:
  - Checks the rules of the C(multihomed.rke2.rke2) role that tie variables together; the types and choices of
    single variables are checked by the role's argument spec before.
  - The host is in exactly one of the server and agent groups; the bootstrap server is a server; C(tarball) and
    C(airgap) installs need a version like C(v1.31.5+rke2r1), C(airgap) needs its directory; Multus needs a
    primary CNI; C(rke2_agent_serial) is at least 1; drop-in file names are letters, digits, C(.), C(_) and C(-).
options:
  _input:
    description:
      - The role's settings. C(host), C(group_names), C(servers_group), C(agents_group), C(servers), C(agents),
        C(bootstrap_server) and C(install_method) are required; C(version), C(airgap_dir), C(cni_primary),
        C(multus_enabled), C(agent_serial) and C(dropins) are optional. Other keys are an error.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the settings that depend on each other
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "rke2 on {{ inventory_hostname }}: {{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ {'host': inventory_hostname, 'group_names': group_names, 'servers_group': 'rke2_servers',
          'agents_group': 'rke2_agents', 'servers': groups['rke2_servers'], 'agents': groups['rke2_agents'],
          'bootstrap_server': 'cpl-1', 'install_method': 'tarball', 'version': 'v1.31.5+rke2r1'}
         | multihomed.rke2.rke2_settings_problems }}
"""

RETURN = r"""
_value:
  description: One message per broken rule, each naming the variable and what it must be; empty when all is well.
  type: list
  elements: str
  sample: ["rke2_install_method tarball needs rke2_version like v1.31.5+rke2r1 (got '')"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_preflight as rp


def rke2_settings_problems(settings):
    try:
        return rp.problems(rp.settings_from_mapping(settings))
    except ValueError as exc:
        raise AnsibleFilterError(f"rke2_settings_problems: {exc}") from None


class FilterModule(object):
    def filters(self):
        return {"rke2_settings_problems": rke2_settings_problems}
