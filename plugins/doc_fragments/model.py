# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The input of the filters that read the network model.
    DOCUMENTATION = r"""
options:
  _input:
    description: The C(multihomed_networks) mapping (see the collection's docs/model.md).
    type: dict
    required: true
"""

    # Filters that look at every host of the inventory.
    INVENTORY = r"""
options:
  hostvars:
    description: The C(hostvars) of the play.
    type: dict
    required: true
  groups:
    description: The C(groups) of the play; the hosts are those in the groups the networks list.
    type: dict
    required: true
"""

    # The input of the filters that read the validated model (the report of validate_model).
    REPORT = r"""
options:
  _input:
    description:
      - The validated model, as returned by C(multihomed.rke2.validate_model) and published by
        C(playbooks/preflight.yml) as the fact C(multihomed_report).
    type: dict
    required: true
"""
