# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rke2_drift
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: The settings a running RKE2 cluster cannot change that the inventory would change
description:
  - Compares C(cni), C(cluster-cidr) and C(service-cidr) in the server's current C(config.yaml) with the new
    mapping, and the flannel backend in its current C(rke2-canal) HelmChartConfig with O(backend).
  - An absent or empty key is RKE2's default (C(cni) V([canal]), C(cluster-cidr) V(10.42.0.0/16), C(service-cidr)
    V(10.43.0.0/16), backend V(vxlan)); C(cni) may be a list or a comma-separated string.
  - Only those settings appear in the result, never a token, whatever the files hold.
options:
  _input:
    description: The current C(config.yaml) text; V('') or V(null) when there is none.
    type: str
    required: true
  wanted:
    description: The new C(config.yaml) mapping (from P(multihomed.rke2.rke2_config#filter)).
    type: dict
    required: true
  canal:
    description: The current C(rke2-canal-config.yaml) text, V(null) when the file is absent (the backend is then
      not compared).
    type: str
  backend:
    description: The flannel backend the inventory asks for.
    type: str
    default: vxlan
  host:
    description: The host, named in error messages.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Settings that would change on a running cluster
  ansible.builtin.set_fact:
    drifts: >-
      {{ config_yaml_text | multihomed.rke2.rke2_drift(wanted=rke2_config, canal=canal_text,
         backend='vxlan', host=inventory_hostname) }}
  no_log: true
"""

RETURN = r"""
_value:
  description: One entry per setting that differs, in the order cni, cluster-cidr, service-cidr, canal backend.
  type: list
  elements: dict
  contains:
    key:
      description: C(cni), C(cluster-cidr), C(service-cidr) or C(canal backend).
      type: str
    current:
      description: The value in the node's files (or RKE2's default).
      type: raw
    wanted:
      description: The value the inventory asks for (or RKE2's default).
      type: raw
  sample:
    - {key: cni, current: [multus, canal], wanted: [canal]}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_config as rc
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import validate_args


def rke2_drift(config_text, wanted, canal=None, backend="vxlan", host=""):
    args = validate_args(DOCUMENTATION, "rke2_drift", wanted=wanted, canal=canal, backend=backend, host=host)
    wanted, canal, backend, host = args["wanted"], args["canal"], args["backend"], args["host"]
    try:
        return rc.drifts(config_text, canal, wanted, backend)
    except rc.Rke2ConfigError as exc:
        raise AnsibleFilterError(f"rke2_drift: host '{host}': {exc}") from None


class FilterModule(object):
    def filters(self):
        return {"rke2_drift": rke2_drift}
