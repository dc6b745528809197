# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minimum versions per feature, each row with the upstream source it was read from.

RKE2 rows list the first release of every minor line that has the feature (RKE2 backports chart updates to its
maintained lines): a minor line newer than all listed has it, an older one (or a line between listed ones) has not.
Other components have one minimum. :func:`check` names the feature, the version given and the minimum; a version
that is not a release (``latest``, ``stable``, empty) gives a warning, never an error. docs/compatibility.md shows
this table; tests/repo/test_compatibility_doc.py keeps the two in step. Pure Python, no Ansible imports.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RKE2, LONGHORN, CNI_PLUGINS = "rke2", "longhorn", "cni-plugins"
COMPONENTS = {RKE2: "RKE2", LONGHORN: "Longhorn", CNI_PLUGINS: "containernetworking/plugins"}

FEATURES = {
    "canal_regex_iface": "rke2-canal flannel.regexIface",
    "multus_dhcp_daemonset": "rke2-multus manifests.dhcpDaemonSet",
    "multus_thick_plugin": "rke2-multus thickPlugin.enabled",
    "cilium_exclusive_default": "rke2-cilium's default cni.exclusive: false (Multus beside cilium)",
    "calico_ipv6_only": "rke2-calico on an IPv6-only cluster network (IPv4 address autodetection not forced)",
    "route_priority": "CNI route priority (a route metric) applied by the plugins",
    "longhorn_storage_network": "Longhorn Setting storage-network",
    "longhorn_rwx_network": "RWX volumes on the storage network, by either RWX setting",
    "longhorn_rwx_storage_network": "Longhorn Setting storage-network-for-rwx-volume-enabled",
    "longhorn_rwx_endpoint_network": "Longhorn Setting endpoint-network-for-rwx-volume",
}


class Row(NamedTuple):
    feature: str
    component: str
    since: tuple  # first version with the feature: one per RKE2 minor line, else one
    source: str
    until: str = ""  # first version without it again ("" = still there)
    chart: str = ""  # the chart version that brought it (RKE2 rows)
    hint: str = ""  # what to do instead, appended to the error


_RKE2_TAGS = "rancher/rke2 charts/chart_versions.yaml (Dockerfile before v1.29) at each release tag"
ROWS = (
    Row("canal_regex_iface", RKE2,
        ("v1.24.17+rke2r1", "v1.25.13+rke2r1", "v1.26.8+rke2r1", "v1.27.5+rke2r1"),
        "rancher/rke2-charts packages/rke2-canal/charts/templates/config.yaml, daemonset.yaml, commit 69291aea "
        f"(2023-08-02); {_RKE2_TAGS}, tags of 2023-09-01",
        chart="rke2-canal v3.26.1-build2023080200", hint="use flannel.iface (one name on every node)"),
    Row("multus_dhcp_daemonset", RKE2,
        ("v1.26.13+rke2r1", "v1.27.10+rke2r1", "v1.28.6+rke2r1", "v1.29.1+rke2r1"),
        "rancher/rke2-charts packages/rke2-multus/charts/values.yaml manifests.dhcpDaemonSet, commit 3127c331 "
        f"(2023-12-14); {_RKE2_TAGS}, tags of 2024-02-02",
        chart="rke2-multus v4.0.2-build2023081107", hint="run the CNI dhcp daemon on every node yourself"),
    Row("multus_thick_plugin", RKE2,
        ("v1.30.14+rke2r2", "v1.31.11+rke2r1", "v1.32.7+rke2r1", "v1.33.3+rke2r1"),
        "rancher/rke2-charts packages/rke2-multus/charts/values.yaml thickPlugin.enabled, commit a65596dc "
        f"(2025-07-03); {_RKE2_TAGS}, tags of 2025-07-18",
        chart="rke2-multus v4.2.106", hint="use the thin plugin"),
    Row("cilium_exclusive_default", RKE2,
        ("v1.31.14+rke2r1", "v1.32.10+rke2r1", "v1.33.6+rke2r1", "v1.34.2+rke2r1"),
        "rancher/rke2-charts packages/rke2-cilium values patch, commit 81058adc (2025-10-10) 'rke2-cilium: set "
        f"cni.exclusive to false'; {_RKE2_TAGS}, tags of 2025-11-20; rancher/rke2-docs multus docs",
        chart="rke2-cilium 1.18.300", hint="write an rke2-cilium HelmChartConfig with cni.exclusive: false"),
    Row("calico_ipv6_only", RKE2,
        ("v1.29.13+rke2r1", "v1.30.9+rke2r1", "v1.31.5+rke2r1", "v1.32.1+rke2r1"),
        "rancher/rke2-charts packages/rke2-calico/generated-changes/patch/templates/crs/custom-resources.yaml.patch: "
        "nodeAddressAutodetectionV4 {firstFound: true} set whenever it is empty from rke2-calico v3.26.300 (commit "
        "e3e7ce8f, 2023-11-14) to v3.29.100, set only when global.clusterCIDRv4 is not empty from v3.29.101 (commit "
        f"24733707, 2025-01-09); {_RKE2_TAGS}, tags of 2025-01-24; the 1.26 to 1.28 lines never got it",
        chart="rke2-calico v3.29.101",
        hint="calico-node would look for an IPv4 address the nodes do not have; upgrade RKE2, or give the cluster "
             "network IPv4 too"),
    Row("route_priority", RKE2,
        ("v1.29.11+rke2r1", "v1.30.7+rke2r1", "v1.31.3+rke2r1", "v1.32.0+rke2r1"),
        "rancher/rke2-charts commit 181d4e5e (2024-11-05) cniplugins.image.tag v1.6.0-build20241022 in "
        f"packages/rke2-multus/charts/values.yaml; {_RKE2_TAGS}; the 1.28 line never got it (last v1.28.15+rke2r1)",
        chart="rke2-multus v4.1.301", hint="leave out the route metric (older plugins drop it silently)"),
    Row("route_priority", CNI_PLUGINS, ("v1.6.0",),
        "containernetworking/plugins pkg/ipam/ipam_linux.go ConfigureIface (v1.6.0 vendors containernetworking/cni "
        "v1.2.3, types.Route.Priority); v1.5.1 vendors cni v1.1.2 without it",
        hint="leave out the route metric (older plugins drop it silently)"),
    Row("longhorn_storage_network", LONGHORN, ("1.3.0",),
        "longhorn/longhorn-manager types/setting.go SettingNameStorageNetwork (v1.3.0, 969ffd1d, 2022-06-15; "
        "absent in v1.2.0)"),
    Row("longhorn_rwx_network", LONGHORN, ("1.7.0",),
        "longhorn/longhorn-manager types/setting.go storage-network-for-rwx-volume-enabled (v1.7.0, 38a74bb5, "
        "2024-08-20), endpoint-network-for-rwx-volume (v1.11.0, ca455140, 2026-01-28)"),
    Row("longhorn_rwx_storage_network", LONGHORN, ("1.7.0",),
        "longhorn/longhorn-manager types/setting.go SettingNameStorageNetworkForRWXVolumeEnabled, bool (v1.7.0 to "
        "v1.10.x); v1.11.0 lists it in replacedSettingNames and deletes it; no Helm value in longhorn/longhorn "
        "chart/values.yaml v1.7.0 (e2bb3e67) to v1.10.2",
        until="1.11.0", hint="use longhorn_rwx_endpoint_network"),
    Row("longhorn_rwx_endpoint_network", LONGHORN, ("1.11.0",),
        "longhorn/longhorn-manager types/setting.go SettingNameEndpointNetworkForRWXVolume (v1.11.0, ca455140); "
        "longhorn/longhorn chart/values.yaml defaultSettings.endpointNetworkForRWXVolume (v1.11.0, b8a3ced5)",
        hint="before 1.11 use longhorn_rwx_storage_network"),
)

_RKE2_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:\+rke2r(\d+))?$")
_PLAIN_RE = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-build\d+)?$")


class Problem(NamedTuple):
    """A version problem: level 'error' or 'warning' and the text naming feature, version and minimum."""

    level: str
    text: str

    def __str__(self):
        return self.text


def parse(version, component=RKE2):
    """Comparable tuple of a release version, or None when it is not one.

    RKE2: ``v1.31.5+rke2r1`` -> (1, 31, 5, 1); without ``+rke2rN`` it is read as the first build (r1).
    Others: ``1.9.2``, ``v1.9.2``, ``1.9`` (= 1.9.0), hardened image tags ``v1.6.0-build20241022``.
    """
    text = str(version if version is not None else "").strip()
    match = (_RKE2_RE if component == RKE2 else _PLAIN_RE).match(text)
    if not match:
        return None
    return tuple(int(g) if g is not None else (1 if component == RKE2 and i == 3 else 0)
                 for i, g in enumerate(match.groups()))


def rows(feature, component=None):
    """The rows of a feature (of one component when given); ValueError for an unknown feature or component."""
    if feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; known: {', '.join(FEATURES)}")
    if component is not None and component not in COMPONENTS:
        raise ValueError(f"unknown component {component!r}; known: {', '.join(COMPONENTS)}")
    return [r for r in ROWS if r.feature == feature and component in (None, r.component)]


def _has(row, ver):
    mins = [parse(v, row.component) for v in row.since]
    if row.component == RKE2:
        line = [m for m in mins if m[:2] == ver[:2]]
        ok = ver >= line[0] if line else ver[:2] > max(m[:2] for m in mins)
    else:
        ok = ver >= mins[0]
    return ok and not (row.until and ver >= parse(row.until, row.component))


def _minimum(row):
    if row.component == RKE2:
        return f"{', '.join(row.since)} (first of each minor line; every later minor line has it)"
    return f"{row.since[0]} or later" + (f", before {row.until}" if row.until else "")


def has(feature, version, component=None):
    """True/False whether `version` of `component` (default: the feature's first) has the feature; None if unknown."""
    found = rows(feature, component)
    if not found:
        return True  # that component does not constrain the feature
    ver = parse(version, found[0].component)
    return None if ver is None else _has(found[0], ver)


def check(feature, version, component=None):
    """None when `version` has the feature, else a Problem: an error naming the feature, the version and the
    minimum, or a warning when the version is not a release (``latest``, empty, unparseable)."""
    found = rows(feature, component)
    if not found:
        return None
    row = found[0]
    name = f"{FEATURES[feature]} ({feature})"
    label = COMPONENTS[row.component]
    ver = parse(version, row.component)
    if ver is None:
        given = f"{version!r} is not a release version" if version not in (None, "") else "is not set"
        return Problem("warning", f"{label} version {given}: cannot check {name}, which needs {label} "
                                  f"{_minimum(row)}; pin the version to have it checked")
    if _has(row, ver):
        return None
    hint = f"; {row.hint}" if row.hint else ""
    if row.until and ver >= parse(row.until, row.component):
        return Problem("error", f"{label} {version} no longer has {name}: it exists from {row.since[0]} until "
                                f"before {row.until}{hint}")
    if row.component == RKE2:
        line = [s for s in row.since if parse(s, RKE2)[:2] == ver[:2]]
        where = (f"the {ver[0]}.{ver[1]} line has it from {line[0]}" if line
                 else f"the {ver[0]}.{ver[1]} line never got it; it came with {_minimum(row)}")
    else:
        where = f"it needs {label} {_minimum(row)}"
    return Problem("error", f"{label} {version} lacks {name}: {where}{hint}")


def check_all(features, versions):
    """{'errors': [...], 'warnings': [...]} for the features in use against ``versions`` ({component: version}).

    Only components present in ``versions`` are checked; an empty or unparseable version there gives a warning.
    """
    out = {"errors": [], "warnings": []}
    for feature in features:
        for row in rows(feature):
            if row.component in versions:
                problem = check(feature, versions[row.component], row.component)
                if problem and problem.text not in out[problem.level + "s"]:
                    out[problem.level + "s"].append(problem.text)
    return out
