# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role longhorn_network's decisions before it reads the cluster (filter longhorn_network_plan).

What it decides after reading the cluster (the RWX Setting by the Settings Longhorn has) is the module
longhorn_setting's, with the same longhorn_rwx.rwx_settings.
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render, longhorn_rwx, versions


def network_plan(report, network="", version="", rwx=False):
    """Everything the role longhorn_network decides before it reads the cluster, from the validated model's report.

    ``{storage, value, helm_values, rwx, errors, warnings}``:
    - storage: the storage attachment (k8s_render.storage_attachment); value: ``<namespace>/<name>``;
    - helm_values: ``defaultSettings.storageNetwork``, plus the RWX value the version gives;
    - rwx: longhorn_rwx.rwx_settings from the version alone (empty without ``rwx``);
    - errors and warnings: the version check of the features in use (versions.check_all, only with ``rwx`` or a
      ``version``); the RWX plan's own errors count only when that check found none (they would repeat it).
    """
    storage = k8s_render.storage_attachment(report, network)
    value = storage["value"]
    checked = {"errors": [], "warnings": []}
    if rwx or version:
        checked = versions.check_all(["longhorn_rwx_network" if rwx else "longhorn_storage_network"],
                                     {versions.LONGHORN: version or ""})
    plan = longhorn_rwx.rwx_settings(value, version or "") if rwx else {}
    errors = checked["errors"] or (plan.get("errors") or [])
    defaults = dict({"storageNetwork": value}, **(plan.get("helm_values") or {}).get("defaultSettings", {}))
    return {"storage": storage, "value": value, "helm_values": {"defaultSettings": defaults}, "rwx": plan,
            "errors": list(errors), "warnings": checked["warnings"]}
