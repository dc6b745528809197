# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rke2_config_diff
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: What changes in RKE2's config.yaml, with the tokens masked
description:
  - Compares the C(config.yaml) on the node (its text) with the new mapping and returns the keys that change and
    both sides, C(token) and C(agent-token) replaced by C(********) on both, so C(--diff) output never shows them.
  - A changed token is still listed in C(changed_keys).
  - An absent, empty or unreadable current file counts as empty.
positional: after
options:
  _input:
    description: The current C(config.yaml) text; V('') or V(null) when there is none.
    type: str
    required: true
  after:
    description: The new C(config.yaml) mapping (from P(multihomed.rke2.rke2_config#filter)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the config.yaml changes (tokens masked)
  ansible.builtin.debug:
    msg: "{{ current.content | default('') | b64decode | multihomed.rke2.rke2_config_diff(rke2_config) }}"
"""

RETURN = r"""
_value:
  description: The change, secrets masked.
  type: dict
  contains:
    changed_keys:
      description: Keys added, removed or changed, sorted.
      type: list
      elements: str
    before:
      description: The current mapping, tokens masked.
      type: dict
    after:
      description: The new mapping, tokens masked.
      type: dict
  sample:
    changed_keys: [node-label]
    before: {node-name: cpl-1, token: "********"}
    after: {node-name: cpl-1, node-label: [zone=a], token: "********"}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_config as rc
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import validate_args


def rke2_config_diff(before_text, after):
    validate_args(DOCUMENTATION, "rke2_config_diff", after=after)
    if not isinstance(after, dict):
        raise AnsibleFilterError(f"rke2_config_diff: after must be the new config.yaml mapping, got {type(after).__name__}")
    return rc.config_diff(before_text, after)


class FilterModule(object):
    def filters(self):
        return {"rke2_config_diff": rke2_config_diff}
