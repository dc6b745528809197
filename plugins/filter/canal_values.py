# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: canal_values
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: rke2-canal HelmChartConfig values that pin flannel and calico to the cluster network
description:
  - One set of values for the whole cluster, as the C(rke2-canal) HelmChartConfig needs.
  - C(flannel.iface) when every node's cluster device has the same name, otherwise C(flannel.regexIface) matching
    exactly the cluster devices of all nodes.
  - C(calico.ipAutoDetectionMethod) selects the cluster network on every node, by C(cidr=) (default) or
    C(interface=).
options:
  backend:
    description: Flannel backend. It cannot be changed on a running cluster.
    type: str
    default: vxlan
    choices: [vxlan, host-gw, wireguard, ipsec]
  autodetect:
    description: How calico finds the node address, by the cluster network's CIDR or by interface name.
    type: str
    default: cidr
    choices: [cidr, interface]
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Values for the rke2-canal HelmChartConfig
  ansible.builtin.set_fact:
    rke2_canal_values: "{{ multihomed_report | multihomed.rke2.canal_values(backend='host-gw') }}"
"""

RETURN = r"""
_value:
  description: Values for C(spec.valuesContent) of the HelmChartConfig C(kube-system/rke2-canal).
  type: dict
  sample:
    flannel: {backend: host-gw, iface: ens192}
    calico: {ipAutoDetectionMethod: cidr=172.16.40.0/24}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def canal_values(report, backend="vxlan", autodetect="cidr"):
    require_report(report, "canal_values")
    args = validate_args(DOCUMENTATION, "canal_values", backend=backend, autodetect=autodetect)
    return k8s_render.canal_values(report["cluster"], backend=args["backend"], autodetect=args["autodetect"])


class FilterModule(object):
    def filters(self):
        return {"canal_values": canal_values}
