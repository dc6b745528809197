# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: What differs between the model and the hosts and the cluster API, as one report
description:
  - Combines what C(playbooks/drift.yml) gathered in check mode into one report with a readable summary and an exit
    status; nothing here reads a host or the API, it only compares.
  - Per host, from the host's fact named by O(fact) (V({nic_plan, rke2_config})), the result of
    C(multihomed.rke2.nic_plan) run in check mode (files, addresses, default routes, problems) and the rke2 role's
    config.yaml comparison (tokens masked). A host without that fact is reported as C(unchecked).
  - On the cluster API, the model's NetworkAttachmentDefinitions against O(nads) (compared as the
    C(network_attachment) module decides, and managed NADs the model dropped) and Longhorn's C(storage-network)
    Setting against O(longhorn).
  - Anything that could not be checked is a finding of kind C(unchecked), never silence.
options:
  hostvars:
    description: C(hostvars), to read each host's O(fact).
    type: raw
  hosts:
    description: The hosts checked (e.g. V(groups['rke2_cluster'])); empty when the host part was switched off.
    type: list
    elements: str
    default: []
  fact:
    description: Name of the per-host fact holding C(nic_plan) and C(rke2_config) results.
    type: str
    default: multihomed_drift_host
  cluster:
    description: Whether the cluster API part ran; V(false) leaves O(nads) and O(longhorn) unread.
    type: bool
    default: true
  nads:
    description: The registered C(kubernetes.core.k8s_info) result listing NetworkAttachmentDefinitions (all
      namespaces, or at least those of the model).
    type: dict
  prune_namespaces:
    description: More namespaces where a managed NAD the model lacks is drift (as C(multus_networks_prune_namespaces));
      the model's own namespaces always count.
    type: list
    elements: str
    default: []
  longhorn:
    description: The registered C(kubernetes.core.k8s_info) result reading Longhorn's C(storage-network) Setting.
    type: dict
  longhorn_network:
    description: The model's storage network for Longhorn (as C(longhorn_network_network)); empty picks the one.
    type: str
    default: ""
  longhorn_namespace:
    description: Namespace Longhorn runs in.
    type: str
    default: longhorn-system
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Build the drift report
  ansible.builtin.set_fact:
    multihomed_drift: >-
      {{ multihomed_report | multihomed.rke2.drift_report(hostvars=hostvars, hosts=groups['rke2_cluster'],
         nads=multihomed_drift_nads, longhorn=multihomed_drift_longhorn) }}

- name: Print it
  ansible.builtin.debug:
    msg: "{{ multihomed_drift.summary.splitlines() }}"
"""

RETURN = r"""
_value:
  description: The drift report (also written as JSON by C(playbooks/drift.yml)).
  type: dict
  contains:
    version: {description: Version of this report's format., type: int}
    clean: {description: Nothing differs and everything was checked., type: bool}
    status: {description: "V(clean), V(drift) or V(incomplete) (something could not be checked).", type: str}
    exit_code: {description: "0 clean, 1 drift, 2 incomplete.", type: int}
    counts: {description: Number of findings per kind., type: dict}
    hosts:
      description: "Host -> findings; each finding is V({kind, object, expected, actual, detail}) (a file finding
        may add C(diff)); kind is one of file, address, default_route, nic, rke2_config, unchecked."
      type: dict
    cluster: {description: "Findings of kind nad, longhorn_setting or unchecked.", type: list, elements: dict}
    cluster_checked: {description: Whether the cluster API part ran., type: bool}
    notes: {description: What was not compared and why (not drift)., type: list, elements: str}
    summary: {description: "The report as a text table, one line per finding; V(no drift: ...) when clean.", type: str}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils import drift, drift_cluster
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import (
    filter_errors,
    require_report,
    validate_args,
)


def _host_checks(hostvars, host, fact):
    try:
        host_vars = hostvars[host]
    except (KeyError, TypeError):
        raise AnsibleFilterError(f"drift_report: host '{host}' is not in hostvars") from None
    return host_vars.get(fact) if hasattr(host_vars, "get") else None


@filter_errors
def drift_report(report, hostvars=None, hosts=None, fact=None, cluster=None, nads=None, prune_namespaces=None,
                 longhorn=None, longhorn_network=None, longhorn_namespace=None):
    require_report(report, "drift_report")
    # hostvars is not handed to the validator: it would copy every host's variables (its type is raw anyway).
    args = validate_args(DOCUMENTATION, "drift_report", hosts=hosts, fact=fact, cluster=cluster, nads=nads,
                         prune_namespaces=prune_namespaces, longhorn=longhorn, longhorn_network=longhorn_network,
                         longhorn_namespace=longhorn_namespace)
    if args["hosts"] and hostvars is None:
        raise AnsibleFilterError("drift_report: hostvars is needed to read the hosts' results")
    per_host = {h: drift.host_findings(h, _host_checks(hostvars, h, args["fact"]), report["plans"].get(h))
                for h in args["hosts"]}
    found, notes = [], []
    if not args["hosts"]:
        notes.append("hosts not checked (the host part was switched off)")
    if args["cluster"]:
        found += drift_cluster.nad_findings(report["nads"], nads, args["prune_namespaces"])
        expected = drift_cluster.longhorn_expected(report, args["longhorn_network"])
        more, notes_lh = drift_cluster.longhorn_findings(expected, longhorn, args["longhorn_namespace"])
        found += more
        notes += notes_lh
    result = drift.build(per_host, found, notes, cluster_checked=args["cluster"])
    result["summary"] = drift.summary(result)
    return result


class FilterModule(object):
    def filters(self):
        return {"drift_report": drift_report}
