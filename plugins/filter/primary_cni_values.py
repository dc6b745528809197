# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: primary_cni_values
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: HelmChartConfig values that pin RKE2's primary CNI to the cluster network
description:
  - Values for the HelmChartConfig C(kube-system/rke2-<cni>) of the primary CNI, one set for the whole cluster, built
    from the cluster devices and CIDR of the validated model. Each key was read from the chart it targets
    (rancher/rke2-charts C(packages/rke2-<cni>/); the collection's docs/upstream-facts.md section 4).
  - V(canal) (C(rke2-canal)) C(flannel.iface) when every node's cluster device has the same name, otherwise
    C(flannel.regexIface) (anchored) matching exactly the cluster devices; C(calico.ipAutoDetectionMethod) is written
    too but has no effect under canal.
  - V(calico) (C(rke2-calico), the tigera-operator chart) C(installation.calicoNetwork.nodeAddressAutodetectionV4)
    with C(cidrs) set to the cluster CIDR; the chart's own C(firstFound) applies only when this is empty.
  - V(cilium) (C(rke2-cilium)) C(devices), the cluster devices; with O(multus), C(cni.exclusive=false) unless
    O(rke2_version) is known to have that as the chart's default (RKE2 v1.31.14, v1.32.10, v1.33.6, v1.34.2 and
    later per line). An unknown or empty version gets it written.
  - V(flannel) (C(rke2-flannel)) has no interface key; C(flannel.args) is the chart's defaults C(--ip-masq),
    C(--kube-subnet-mgr) plus C(--iface=<device>) or C(--iface-regex=<anchored regex>) (Helm replaces lists).
  - When the cluster devices have different names, a name that is another network's device on some host is refused
    for canal, cilium and flannel, since the cluster-wide pin would match that NIC there.
options:
  cni:
    description: The primary CNI (C(rke2_cni_primary)).
    type: str
    required: true
    choices: [canal, calico, cilium, flannel]
  backend:
    description:
      - Flannel backend, for V(canal) only. It cannot be changed on a running cluster.
      - C(ipsec) is refused, saying why; it needs a pre-shared key the C(rke2-canal) chart cannot pass.
    type: str
    default: vxlan
    choices: [vxlan, host-gw, wireguard]
  autodetect:
    description: For V(canal) only, C(calico.ipAutoDetectionMethod) by CIDR or interface name (inert under canal).
    type: str
    default: cidr
    choices: [cidr, interface]
  multus:
    description: Multus is enabled beside the primary CNI (C(rke2_multus_enabled)); read for V(cilium).
    type: bool
    default: false
  rke2_version:
    description: The RKE2 release (C(rke2_version)); read for V(cilium) to know whether C(cni.exclusive=false) is already the default.
    type: str
    default: ""
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Values for the HelmChartConfig of the primary CNI
  ansible.builtin.set_fact:
    primary_values: >-
      {{ multihomed_report | multihomed.rke2.primary_cni_values('cilium', multus=true, rke2_version='v1.32.5+rke2r1') }}
  # {devices: [ens192], cni: {exclusive: false}}
"""

RETURN = r"""
_value:
  description: Values for C(spec.valuesContent) of the HelmChartConfig C(kube-system/rke2-<cni>).
  type: dict
  sample:
    installation:
      calicoNetwork:
        nodeAddressAutodetectionV4: {cidrs: [198.18.40.0/24]}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def primary_cni_values(report, cni, backend="vxlan", autodetect="cidr", multus=False, rke2_version=""):
    require_report(report, "primary_cni_values")
    cni_charts.check_backend(backend)
    args = validate_args(DOCUMENTATION, "primary_cni_values", cni=cni, backend=backend, autodetect=autodetect,
                         multus=multus, rke2_version=rke2_version)
    return cni_charts.primary_cni_values(report["cluster"], args["cni"], backend=args["backend"],
                                         autodetect=args["autodetect"], multus=args["multus"],
                                         rke2_version=args["rke2_version"] or "", plans=report["plans"])


class FilterModule(object):
    def filters(self):
        return {"primary_cni_values": primary_cni_values}
