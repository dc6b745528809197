# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""multihomed.rke2.rke2_cluster: the rke2 role's cluster-wide decisions, once (plugins/module_utils/rke2_charts.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.plugins.filter.core import to_nice_yaml

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_charts
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError
from ansible_collections.multihomed.rke2.plugins.plugin_utils import model_adapter

SPEC = {
    "report": {"type": "dict", "required": True},
    "cni_primary": {"type": "str", "required": True, "choices": ["canal", "calico", "cilium", "flannel", "none"]},
    "canal_backend": {"type": "str", "default": "vxlan"},
    "canal_autodetect": {"type": "str", "default": "cidr", "choices": ["cidr", "interface"]},
    "multus": {"type": "bool", "default": True},
    "thick_plugin": {"type": "bool", "default": False},
    "version": {"type": "str", "default": ""},
    "bootstrap_ip": {"type": "str", "default": ""},
}


def _dump(values):
    return to_nice_yaml(values, indent=2)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        checked = ArgumentSpecValidator(SPEC).validate(model_adapter.plain_data(dict(self._task.args)))
        if checked.error_messages:
            return dict(result, failed=True, msg="rke2_cluster: " + "; ".join(checked.error_messages))
        args = checked.validated_parameters
        try:
            model_adapter.require_report(args["report"], "rke2_cluster")
            primary_values, multus_values = rke2_charts.values(
                args["report"], args["cni_primary"], backend=args["canal_backend"], autodetect=args["canal_autodetect"],
                multus=args["multus"], thick_plugin=args["thick_plugin"], version=args["version"])
        except (CollectionError, AnsibleError) as exc:
            return dict(result, failed=True, msg=f"rke2_cluster: {exc}")
        features = rke2_charts.features_in_use(args["cni_primary"], primary_values, args["multus"], multus_values,
                                               args["thick_plugin"], args["bootstrap_ip"])
        chosen = (args["cni_primary"], primary_values, args["multus"], multus_values)
        return dict(result, changed=False, manifests=rke2_charts.manifests(*chosen, _dump),
                    chart_values=rke2_charts.present_values(*chosen), features=features,
                    versions=rke2_charts.version_check(features, args["version"]))
