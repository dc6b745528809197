#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rke2_cluster
short_description: The rke2 role's cluster-wide decisions, made once
description:
  - The servers' HelmChartConfigs (the primary CNI's chart, the others marked absent so their files are removed, and
    rke2-multus), the chart features those values use, and the check of those features against O(version)
    (docs/compatibility.md), from the validated model.
  - Runs on the controller (an action plugin); it connects to no host and changes nothing. The role
    C(multihomed.rke2.rke2) calls it once per play (C(run_once)).
  - Internal to the role (docs/api.md).
version_added: 0.1.0
author:
  - multihomed.rke2 contributors (@multihomed)
options:
  report:
    description: The validated model (C(multihomed.rke2.network_model)'s C(report)).
    type: dict
    required: true
  cni_primary:
    description: C(rke2_cni_primary).
    type: str
    required: true
    choices: [canal, calico, cilium, flannel, none]
  canal_backend:
    description: C(rke2_canal_backend).
    type: str
    default: vxlan
  canal_autodetect:
    description: C(rke2_canal_autodetect).
    type: str
    default: cidr
    choices: [cidr, interface]
  multus:
    description: C(rke2_multus_enabled).
    type: bool
    default: true
  thick_plugin:
    description: C(rke2_multus_thick_plugin).
    type: bool
    default: false
  version:
    description: C(rke2_version); empty or C(latest) cannot be checked (a warning).
    type: str
    default: ""
  bootstrap_ip:
    description: The bootstrap server's node-ip (tells an IPv6-only cluster network).
    type: str
    default: ""
extends_documentation_fragment:
  - multihomed.rke2.controller_step
"""

EXAMPLES = r"""
- name: The servers' manifests and the version check, once
  multihomed.rke2.rke2_cluster:
    report: "{{ multihomed_report }}"
    cni_primary: canal
    canal_backend: host-gw
    version: v1.33.3+rke2r1
  run_once: true
  register: cluster
"""

RETURN = r"""
manifests:
  description: One entry per chart the role manages, C({file, present, content}); C(content) a HelmChartConfig.
  type: list
  elements: dict
  returned: success
chart_values:
  description: The values of the charts the servers get, by chart name (C(rke2-<primary>), C(rke2-multus)).
  type: dict
  returned: success
features:
  description: The chart features the values use (names of docs/compatibility.md).
  type: list
  elements: str
  returned: success
versions:
  description: C({errors, warnings}) of those features against O(version).
  type: dict
  returned: success
"""
