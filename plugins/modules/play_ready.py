#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: play_ready
short_description: Every host of the play is ready, or every host stops with all the problems
description:
  - The last step of a role's preflight. Collects the problems of ALL hosts of the play (the key C(problems) of
    the result each host registered as O(result)), the hosts that already failed, and O(problems); fails on every
    host with all of them, one per line, when there is any, so that nothing changes on any host unless all are
    ready (and a caller's C(rescue) sees each host fail).
  - Runs on the controller (an action plugin); it connects to no host and changes nothing.
  - Internal to the roles (docs/api.md).
version_added: 0.1.0
author:
  - multihomed.rke2 contributors (@multihomed)
options:
  step:
    description: What is judged, for the message (C(node_network preflight), C(rke2 preflight)).
    type: str
    required: true
  result:
    description: Name of the variable each host registered its check's result in (a mapping with C(problems)).
    type: str
    required: true
  problems:
    description: Problems found before the hosts' checks (the model's, the version check's), listed first.
    type: list
    elements: str
    default: []
  noun:
    description: What the hosts are called in the message.
    type: str
    default: host
extends_documentation_fragment:
  - multihomed.rke2.controller_step
"""

EXAMPLES = r"""
- name: Preflight | every host is ready (nothing changes on any host unless all are)
  multihomed.rke2.play_ready:
    step: node_network preflight
    result: node_network_preflight
"""

RETURN = r"""
problems:
  description: Every problem found (empty when every host is ready).
  type: list
  elements: str
  returned: always
"""
