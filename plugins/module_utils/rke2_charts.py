# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The servers' HelmChartConfigs and the chart features they use, decided once for the cluster (the rke2 role's
action multihomed.rke2.rke2_cluster; the role's vars held this as Jinja).

One manifest entry per chart the role manages, ``{file, present, content}``: the primary CNI's chart (rke2-canal,
rke2-calico, rke2-cilium, rke2-flannel; the others absent so their files are removed) and rke2-multus. The values
come from cni_charts / k8s_render; ``dump`` turns values into the ``valuesContent`` string (Ansible's to_nice_yaml
with indent 2, passed in so this stays free of Ansible imports).
"""

from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, k8s_render, versions

PRIMARY_CHARTS = ("canal", "calico", "cilium", "flannel")


def helm_chart_config(chart, values, dump):
    return {"apiVersion": "helm.cattle.io/v1", "kind": "HelmChartConfig",
            "metadata": {"name": chart, "namespace": "kube-system"}, "spec": {"valuesContent": dump(values)}}


def values(report, primary, backend="vxlan", autodetect="cidr", multus=True, thick_plugin=False, version=""):
    """(primary CNI values, rke2-multus values) for the cluster; the primary's are {} without a primary CNI."""
    cni_charts.check_backend(backend)
    primary_values = {} if primary == "none" else cni_charts.primary_cni_values(
        report["cluster"], primary, backend=backend, autodetect=autodetect, multus=multus, rke2_version=version or "",
        plans=report["plans"])
    return primary_values, k8s_render.multus_values(report["multus"], thick_plugin=thick_plugin)


def manifests(primary, primary_values, multus, multus_values, dump):
    """The manifest entries the servers get: every primary chart (present only for the one in use), then Multus."""
    primary_manifest = helm_chart_config(f"rke2-{primary}", primary_values, dump)
    out = [{"file": f"rke2-{chart}-config.yaml", "present": primary == chart, "content": primary_manifest}
           for chart in PRIMARY_CHARTS]
    out.append({"file": "rke2-multus-config.yaml", "present": bool(multus),
                "content": helm_chart_config("rke2-multus", multus_values, dump)})
    return out


def present_values(primary, primary_values, multus, multus_values):
    """The values of the charts the servers get, by chart name (what plan.yml shows)."""
    out = {} if primary == "none" else {f"rke2-{primary}": primary_values}
    if multus:
        out["rke2-multus"] = multus_values
    return out


def features_in_use(primary, primary_values, multus, multus_values, thick_plugin, bootstrap_ip=""):
    """The chart features (versions.FEATURES) the values use, for the version check. cilium's cni.exclusive is not
    one: primary_cni_values writes it whenever the version lacks it as the chart default. calico_ipv6_only: the
    cluster network has no IPv4 (the bootstrap server's node-ip stands for every node: one network, one family set).
    """
    ip = str(bootstrap_ip or "")
    used = {
        "canal_regex_iface": primary == "canal" and "regexIface" in (primary_values.get("flannel") or {}),
        "multus_dhcp_daemonset": bool(multus) and bool(multus_values["manifests"]["dhcpDaemonSet"]),
        "multus_thick_plugin": bool(multus) and bool(thick_plugin),
        "calico_ipv6_only": primary == "calico" and ":" in ip and "." not in ip,
    }
    return [feature for feature, on in used.items() if on]


def version_check(features, version):
    """{'errors': [...], 'warnings': [...]} of the features against rke2_version (docs/compatibility.md)."""
    if not features:
        return {"errors": [], "warnings": []}
    return versions.check_all(features, {versions.RKE2: version or "", versions.LONGHORN: ""})
