# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: canal_values
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: rke2-canal HelmChartConfig values that pin flannel to the cluster network
description:
  - One set of values for the whole cluster, as the C(rke2-canal) HelmChartConfig needs.
  - C(flannel.iface) when every node's cluster device has the same name, otherwise C(flannel.regexIface) matching
    exactly the cluster devices of all nodes.
  - C(calico.ipAutoDetectionMethod) (C(cidr=) by default, or C(interface=)) is written too, but has B(no effect under
    canal), because the chart runs calico with C(CALICO_NETWORKING_BACKEND=none), and calico skips node address detection
    then (calico C(node/pkg/lifecycle/startup/startup.go)). It is kept because it is harmless and dropping it would
    rewrite the file, and restart the servers, on every existing cluster. Node addresses under canal come from
    RKE2's C(node-ip); flannel's interface is what pins the overlay.
  - Refuses a C(regexIface) that would match another network's NIC on some host (a cluster device name that is the
    device of another network elsewhere).
  - For the other primary CNIs (calico, cilium, flannel) see the filter C(multihomed.rke2.primary_cni_values).
options:
  backend:
    description:
      - Flannel backend. It cannot be changed on a running cluster.
      - C(ipsec) is refused, saying why; it needs a pre-shared key the C(rke2-canal) chart cannot pass, so
        flanneld cannot start.
    type: str
    default: vxlan
    choices: [vxlan, host-gw, wireguard]
  autodetect:
    description: How calico would find the node address, by the cluster network's CIDR or by interface name (inert
      under canal, see above).
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

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def canal_values(report, backend="vxlan", autodetect="cidr"):
    require_report(report, "canal_values")
    cni_charts.check_backend(backend)
    args = validate_args(DOCUMENTATION, "canal_values", backend=backend, autodetect=autodetect)
    return cni_charts.canal_values(report["cluster"], backend=args["backend"], autodetect=args["autodetect"],
                                   plans=report["plans"])


class FilterModule(object):
    def filters(self):
        return {"canal_values": canal_values}
