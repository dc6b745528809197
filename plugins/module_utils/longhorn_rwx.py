# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Longhorn's RWX endpoint network: which Setting (and Helm value) puts RWX volumes on the storage network.

- Longhorn 1.11 and later: Setting ``endpoint-network-for-rwx-volume`` = ``<namespace>/<name>`` (Helm
  ``defaultSettings.endpointNetworkForRWXVolume``).
- 1.7 to 1.10: ``storage-network-for-rwx-volume-enabled`` = ``"true"`` (RWX volumes use the storage-network); the
  charts of those releases have no Helm value for it, so it is set as a Setting once Longhorn runs.
- Older: an error (versions.py). Unknown version (the version check warns about it): the choice follows the Setting
  objects the cluster has (longhorn-manager creates one per setting it knows, and 1.11 deletes the replaced one);
  without a cluster, the 1.11 Helm value (Helm ignores values a chart does not use).
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import versions

ENDPOINT = "endpoint-network-for-rwx-volume"
STORAGE_FLAG = "storage-network-for-rwx-volume-enabled"
SETTINGS = (ENDPOINT, STORAGE_FLAG)


def rwx_settings(value, version="", live=None):
    """What to set so RWX volumes use the network ``value`` (``<namespace>/<name>``).

    ``version``: the Longhorn version ("" or ``latest``: unknown). ``live``: names of the Longhorn Setting objects
    in the cluster, or None when the cluster is not read. Returns ``{feature, settings: {name: value},
    helm_values, errors, warnings}``; with errors, settings and helm_values are empty.
    """
    out = {"feature": "", "settings": {}, "helm_values": {}, "errors": [], "warnings": []}
    problem = versions.check("longhorn_rwx_network", version, versions.LONGHORN)
    if problem and problem.level == "error":
        out["errors"].append(problem.text)
        return out
    live = None if live is None else set(live)
    if problem is None:
        endpoint = versions.has("longhorn_rwx_endpoint_network", version)
        seen = ENDPOINT if endpoint else STORAGE_FLAG
        if live and seen not in live and set(SETTINGS) & live:
            out["warnings"].append(f"Longhorn {version} was given, but the cluster has no Setting {seen} (it has "
                                   f"{', '.join(sorted(set(SETTINGS) & live))}): check longhorn_network_version")
    else:  # unknown version: the version check warns about it; the cluster's Settings decide
        if live is None:
            endpoint = True
            out["warnings"].append(f"without the Longhorn version or a cluster to read, the Helm values carry "
                                   f"defaultSettings.endpointNetworkForRWXVolume (Longhorn 1.11 and later); Longhorn "
                                   f"1.7 to 1.10 ignores it: set {STORAGE_FLAG} there once Longhorn runs")
        elif ENDPOINT in live or STORAGE_FLAG in live:
            endpoint = ENDPOINT in live
            out["warnings"].append(f"Longhorn version unknown: the cluster has the Setting "
                                   f"{ENDPOINT if endpoint else STORAGE_FLAG}, so that one is set")
        else:
            out["errors"].append(f"the cluster's Longhorn has neither Setting {ENDPOINT} (1.11 and later) nor "
                                 f"{STORAGE_FLAG} (1.7 to 1.10): it is older than 1.7.0 or not running; RWX volumes "
                                 f"cannot use the storage network")
            return out
    if endpoint:
        out.update(feature="longhorn_rwx_endpoint_network", settings={ENDPOINT: value},
                   helm_values={"defaultSettings": {"endpointNetworkForRWXVolume": value}})
    else:
        out.update(feature="longhorn_rwx_storage_network", settings={STORAGE_FLAG: "true"})
        if live is None:
            out["warnings"].append(f"Longhorn {version} charts have no Helm value for {STORAGE_FLAG} (chart/values.yaml "
                                   f"1.7.0 to 1.10.2): run the role again once Longhorn runs, to set the Setting")
    return out
