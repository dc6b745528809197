# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: inventory_syntax
author:
  - multihomed.rke2 contributors (@multihomed)
version_added: 0.1.0
short_description: YAML syntax errors of the inventory's files, each named by file, line and column
description:
  - Parses every YAML file of the given inventory sources on the controller, each on its own (a YAML source file,
    and the C(group_vars) and C(host_vars) beside a source file or inside a source directory).
  - Returns one line per file that does not parse (its C(path:line:column), then what is wrong), an empty list when
    all parse.
  - ansible-core 2.19 and later report such an error without the file (C(YAML parsing failed)) as soon as a play
    reads the host's variables; C(playbooks/preflight.yml) runs this first, on C(localhost), to name it.
  - Vault-encrypted files are skipped; C(!vault) and C(!unsafe) values are accepted.
options:
  _terms:
    description: Inventory sources, usually C(ansible_inventory_sources).
    type: list
    elements: path
    required: true
"""

EXAMPLES = r"""
- name: Every inventory YAML file parses
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
    quiet: true
  vars:
    problems: "{{ lookup('multihomed.rke2.inventory_syntax', *ansible_inventory_sources, wantlist=True) }}"
"""

RETURN = r"""
_raw:
  description: One line per file that does not parse, starting with its C(path:line:column).
  type: list
  elements: str
"""

from ansible.plugins.lookup import LookupBase

from ansible_collections.multihomed.rke2.plugins.plugin_utils import inventory_files


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return inventory_files.problems(terms)
