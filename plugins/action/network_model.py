# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""multihomed.rke2.network_model: the report given, else the model validated against every host of the inventory.

The one place the roles validate the model when playbooks/preflight.yml did not publish it (they wrote the fallback
each their own way; one validated with no host at all).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError
from ansible_collections.multihomed.rke2.plugins.plugin_utils import model_adapter


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("networks", "report"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        given = self._task.args.get("report")
        if given:
            try:
                model_adapter.require_report(given, "network_model")
            except AnsibleError as exc:
                return dict(result, failed=True, msg=str(exc))
            return dict(result, changed=False, report=given, validated=False)
        networks = self._task.args.get("networks")
        if not isinstance(networks, dict):
            return dict(result, failed=True, msg="network_model: networks (multihomed_networks) must be a mapping of "
                                                 f"network name to settings, got {type(networks).__name__}")
        try:
            built = model_adapter.validated_report(model_adapter.plain_data(networks), task_vars.get("hostvars"),
                                                   task_vars.get("groups"))
        except CollectionError as exc:
            lines = getattr(exc, "errors", None) or [str(exc)]
            return dict(result, failed=True, errors=lines,
                        msg="invalid multihomed network model:\n  - " + "\n  - ".join(lines))
        return dict(result, changed=False, report=built, validated=True)
