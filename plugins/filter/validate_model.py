# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: validate_model
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: Validate the whole multihomed network model against every host
description:
  - Checks the networks and every attached host's C(multihomed_addresses) and C(multihomed_interfaces) at once,
    before anything changes, and fails listing every problem with network, host and field.
  - Checks include CIDRs and addresses, VLAN range, overlapping networks, exactly one cluster network, gateways and
    IPAM ranges inside their CIDR and off the network/broadcast address, duplicate addresses, missing static
    addresses, DHCP/static conflicts, two default routes on a host, attachment type/mode/IPAM, host-device without a
    device, NAD names (DNS-1123, unique per namespace), cniVersion, and default routes on storage attachments.
positional: hostvars, groups
options:
  errors:
    description:
      - C(raise) fails the task with every problem. C(return) returns them instead, as C(errors) (all, each once),
        C(by_host) (host name to the problems naming it) and C(model) (the ones naming no host), so that a play can
        fail each wrong host with its own problems (what C(playbooks/preflight.yml) does); a valid model is returned
        as the report either way.
    type: str
    choices: [raise, return]
    default: raise
extends_documentation_fragment:
  - multihomed.rke2.model
  - multihomed.rke2.model.inventory
"""

EXAMPLES = r"""
- name: Validate the network model once, before touching any host
  ansible.builtin.set_fact:
    multihomed_report: "{{ multihomed_networks | multihomed.rke2.validate_model(hostvars, groups) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - The validated model (the report), schema version 2 (key C(version)); docs/api.md describes it. Readers refuse any
      other version. With C(errors=return) and problems found, C(errors), C(by_host) and C(model) instead.
  type: dict
  contains:
    version: {description: The schema version of the report (2)., type: int}
    networks: {description: Network names, in model order., type: list, elements: str}
    hosts: {description: Every host attached to any network, in inventory order., type: list, elements: str}
    cluster_network: {description: Name of the cluster network., type: str}
    plans:
      description: "Host name to NIC plan: one entry per NIC (network, purpose, device, parent, vlan, bridge or shim,
        address, prefix, dhcp, gateway, default_route, mtu, routes, mac; the IPv6 side with a C(6) suffix)."
      type: dict
    cluster:
      description: "The cluster network for RKE2 and the primary CNI: network, cidr, groups, every node's cluster
        device (C(devices)), C(node_ips) (static ones; DHCP nodes are read from facts)."
      type: dict
    nads: {description: The NetworkAttachmentDefinition objects (what C(nad_manifests) returns)., type: list, elements: dict}
    attachments: {description: "Network name to its NAD: name, namespace, type, ipam, cidr.", type: dict}
    storage_candidates: {description: Storage networks that have an attachment (Longhorn's storage network)., type: list, elements: str}
    multus: {description: "Optional Multus parts needed: C(dhcp_daemon), C(whereabouts).", type: dict}
    warnings: {description: Things to know that are not errors (DHCP daemon needed, ...)., type: list, elements: str}
    errors: {description: "With C(errors=return): every problem, each once.", type: list, elements: str}
    by_host: {description: "With C(errors=return): host name to the problems that name it.", type: dict}
    model: {description: "With C(errors=return): the problems of the model itself (no host named).", type: list, elements: str}
"""

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, validated_report


def _problems(errors):
    """{errors, by_host, model}: every problem once, grouped by the host it names."""
    out = {"errors": [], "by_host": {}, "model": []}
    for e in errors:
        if e in out["errors"]:
            continue
        out["errors"].append(e)
        host = re.search(r"\bhost '([^']+)'", e)
        if host:
            out["by_host"].setdefault(host.group(1), []).append(e)
        else:
            out["model"].append(e)
    return out


@filter_errors
def validate_model(networks, hostvars, groups, errors="raise"):
    if errors not in ("raise", "return"):
        raise AnsibleFilterError(f"validate_model: errors {errors!r} is not one of raise, return")
    try:
        return validated_report(networks, hostvars, groups)
    except ModelError as exc:
        if errors == "raise":
            raise
        return _problems(exc.errors)


class FilterModule(object):
    def filters(self):
        return {"validate_model": validate_model}
