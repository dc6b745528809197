# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: storage_attachment
author: multihomed.rke2 contributors
version_added: 0.2.0
short_description: The attachment Longhorn's storage-network setting points at
description:
  - Picks the storage network's NetworkAttachmentDefinition for Longhorn's C(storage-network) setting (value
    C(<namespace>/<name>); Longhorn gives instance managers the interface C(lhnet1) on it).
  - Without O(network), the one network with C(purpose=storage) and an C(attachment) is taken; none, or more than
    one, is an error naming the candidates.
  - A default route on a storage attachment was already refused when the model was validated.
options:
  network:
    description: Name of the network to use (empty to pick the one storage network with an attachment).
    type: str
    default: ""
extends_documentation_fragment:
  - multihomed.rke2.model.report
"""

EXAMPLES = r"""
- name: Longhorn's storage-network value
  ansible.builtin.debug:
    msg: "{{ (multihomed_report | multihomed.rke2.storage_attachment).value }}"
"""

RETURN = r"""
_value:
  description: The storage attachment.
  type: dict
  contains:
    network: {description: Network name in the model., type: str}
    namespace: {description: Namespace of the NetworkAttachmentDefinition., type: str}
    name: {description: Name of the NetworkAttachmentDefinition., type: str}
    value: {description: "C(<namespace>/<name>), the value of Longhorn's C(storage-network) setting.", type: str}
"""

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render
from ansible_collections.multihomed.rke2.plugins.plugin_utils.model_adapter import filter_errors, require_report, validate_args


@filter_errors
def storage_attachment(report, network=""):
    require_report(report, "storage_attachment")
    args = validate_args(DOCUMENTATION, "storage_attachment", network=network)
    return k8s_render.storage_attachment(report, network=args["network"])


class FilterModule(object):
    def filters(self):
        return {"storage_attachment": storage_attachment}
