#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: network_model
short_description: The validated network model, validated once
description:
  - The step every role of the collection starts from. Returns the report C(playbooks/preflight.yml) published
    (O(report)) when it is given; otherwise validates O(networks) against every host of the inventory (C(hostvars)
    and C(groups) of the play), as the filter C(multihomed.rke2.validate_model) does, so that pools and checks see
    every node even when the role runs on its own or on part of the hosts.
  - Runs on the controller (an action plugin); it connects to no host and changes nothing.
  - Internal to the roles (docs/api.md); in a playbook of your own use C(playbooks/preflight.yml) or the filter.
version_added: 0.1.0
author:
  - multihomed.rke2 contributors (@multihomed)
options:
  networks:
    description: The network model (C(multihomed_networks)), validated when O(report) is not given.
    type: dict
  report:
    description: The report already published (the fact C(multihomed_report)); used as it is when given.
    type: dict
extends_documentation_fragment:
  - multihomed.rke2.controller_step
"""

EXAMPLES = r"""
- name: The validated network model (the published report, else validated here with every host)
  multihomed.rke2.network_model:
    networks: "{{ multihomed_networks }}"
    report: "{{ multihomed_report | default(omit) }}"
  run_once: true
  register: model
"""

RETURN = r"""
report:
  description: The validated model (schema version 2, docs/api.md).
  type: dict
  returned: success
validated:
  description: Whether the model was validated by this call (false when O(report) was given).
  type: bool
  returned: success
"""
