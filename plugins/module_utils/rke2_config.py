# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RKE2's config.yaml as data: what the rke2 role writes, the diff it shows, and the settings that cannot change.

- ``build_config``: the config.yaml mapping of one node (server or agent), empty values left out, then
  ``rke2_config_extra`` merged last. The role renders it with ``to_nice_yaml``.
- ``config_diff``: what changed between the file on the node and the new mapping, secrets masked.
- ``drifts``: the settings RKE2 cannot change on a running cluster (``cni``, ``cluster-cidr``, ``service-cidr``,
  the canal backend) that differ between the node's files and the inventory, RKE2's defaults standing in for
  absent keys. Only those settings appear in its output: never a token.

Pure Python, no Ansible: the filters multihomed.rke2.rke2_config, rke2_config_diff and rke2_drift adapt it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Dict, List

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core on the controller, where the filters run
    HAS_YAML = False

# config.yaml keys holding secrets: written to the file, masked everywhere else.
SECRET_KEYS = ("token", "agent-token")
MASK = "********"
DEFAULT_DATA_DIR = "/var/lib/rancher/rke2"
# RKE2's own defaults, so an absent key and its default compare equal in the running-cluster guard.
IMMUTABLE_DEFAULTS = {"cni": ["canal"], "cluster-cidr": "10.42.0.0/16", "service-cidr": "10.43.0.0/16"}
CANAL_BACKEND = "canal backend"
IP_FAMILIES = "IP families"
DEFAULT_CANAL_BACKEND = "vxlan"
# What "empty" means for a config.yaml value: left out of the file (False and 0 are values).
_EMPTY = ("", [], None)
_ABSENT = object()


class Rke2ConfigError(ValueError):
    """A bad input, naming the host and the field (never a secret value)."""


@dataclass(frozen=True)
class NodeConfig:
    """The role's view of one node, enough to write its config.yaml (role variable in the comment)."""

    host: str  # inventory_hostname, for error messages
    server: bool  # in rke2_servers_group
    bootstrap: bool  # inventory_hostname == rke2_bootstrap_server
    node_name: str  # rke2_node_name
    node_ip: str  # from the network model
    bootstrap_ip: str  # the bootstrap server's node-ip: joining nodes use it unless api_host is set
    server_ips: List[str]  # every server's node-ip, for tls-san
    cni: List[str]  # [multus,] primary
    token: Any = field(repr=False)  # rke2_token
    agent_token: Any = field(default="", repr=False)  # rke2_agent_token
    node_external_ip: str = ""
    node_labels: List[str] = field(default_factory=list)
    server_taints: List[str] = field(default_factory=list)
    agent_taints: List[str] = field(default_factory=list)
    data_dir: str = DEFAULT_DATA_DIR
    api_host: str = ""
    supervisor_port: Any = 9345
    advertise_address: str = ""
    tls_san: List[str] = field(default_factory=list)
    cluster_cidr: str = ""
    service_cidr: str = ""
    cluster_cidr6: str = ""  # rke2_cluster_cidr6: the IPv6 pod CIDR of a dual-stack (or IPv6-only) cluster
    service_cidr6: str = ""  # rke2_service_cidr6
    extra: Dict[str, Any] = field(default_factory=dict)  # rke2_config_extra

    @classmethod
    def from_mapping(cls, data):
        """From the mapping the role builds; unknown or missing fields are errors naming the host and field."""
        if not isinstance(data, dict):
            raise Rke2ConfigError(f"expected a mapping of the node's settings, got {type(data).__name__}")
        host = data.get("host", "<unknown host>")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise Rke2ConfigError(f"host '{host}': unknown fields {', '.join(unknown)} (known: {', '.join(sorted(names))})")
        required = [f.name for f in fields(cls)
                    if f.default is MISSING and f.default_factory is MISSING]
        missing = [n for n in required if n not in data]
        if missing:
            raise Rke2ConfigError(f"host '{host}': missing fields {', '.join(missing)}")
        node = cls(**data)
        for name in ("server", "bootstrap"):
            if not isinstance(getattr(node, name), bool):
                raise Rke2ConfigError(f"host '{host}': {name} must be true or false, got {getattr(node, name)!r}")
        for name in ("server_ips", "cni", "node_labels", "server_taints", "agent_taints", "tls_san"):
            if not isinstance(getattr(node, name), list):
                raise Rke2ConfigError(f"host '{host}': {name} must be a list, got {type(getattr(node, name)).__name__}")
        if not isinstance(node.extra, dict):
            raise Rke2ConfigError(f"host '{host}': extra (rke2_config_extra) must be a mapping, "
                                  f"got {type(node.extra).__name__}")
        if not node.node_ip:
            raise Rke2ConfigError(f"host '{host}': node_ip is empty (no address on the cluster network)")
        _check_families(node)
        return node

    @property
    def families(self):
        """The node-ip's families in order: [4], [6], [4, 6] (or [6, 4])."""
        return [ipaddress.ip_address(a.strip()).version for a in str(self.node_ip).split(",")]

    @property
    def join_url(self):
        host = self.api_host if self.api_host else str(self.bootstrap_ip).split(",", maxsplit=1)[0].strip()
        return f"https://{'[%s]' % host if ':' in host else host}:{self.supervisor_port}"


def _family_of_cidr(text):
    try:
        return ipaddress.ip_network(str(text).strip(), strict=True).version
    except ValueError:
        return None


def _check_families(node):
    """node-ip addresses, and the CIDR pairs a dual-stack (or IPv6) node-ip needs (rke2-docs
    networking/basic_network_options.md "Dual-stack configuration": servers set dual-stack cluster-cidr and
    service-cidr)."""
    host = node.host
    try:
        families = node.families
    except ValueError:
        raise Rke2ConfigError(f"host '{host}': node_ip {node.node_ip!r} is not one address or a v4,v6 pair") from None
    if len(families) > 2 or len(set(families)) != len(families):
        raise Rke2ConfigError(f"host '{host}': node_ip {node.node_ip!r} must be one address or one per family")
    for name, want in (("cluster_cidr", 4), ("service_cidr", 4), ("cluster_cidr6", 6), ("service_cidr6", 6)):
        value = getattr(node, name)
        if value and _family_of_cidr(value) != want:
            raise Rke2ConfigError(f"host '{host}': rke2_{name} {value!r} is not an IPv{want} CIDR")
    if not node.server:
        return
    for name in ("cluster_cidr6", "service_cidr6"):
        if 6 in families and not getattr(node, name):
            raise Rke2ConfigError(f"host '{host}': node-ip {node.node_ip} has an IPv6 address (the cluster network "
                                  f"has IPv6) but rke2_{name} is empty: RKE2 needs the IPv6 pod and service CIDRs "
                                  "(e.g. rke2_cluster_cidr6: fd42::/56, rke2_service_cidr6: fd43::/112)")
        if 6 not in families and getattr(node, name):
            raise Rke2ConfigError(f"host '{host}': rke2_{name} is set but node-ip {node.node_ip} has no IPv6 address: "
                                  "give the cluster network IPv6 (cidr6) first")
    if 4 not in families and (node.cluster_cidr or node.service_cidr):
        raise Rke2ConfigError(f"host '{host}': node-ip {node.node_ip} is IPv6 only, so rke2_cluster_cidr and "
                              "rke2_service_cidr (IPv4) must stay empty")


def _pair(node, v4, v6, key):
    """cluster-cidr / service-cidr as RKE2 takes them: IPv4 alone (as before), ``v4,v6`` in node-ip order, or v6."""
    if not v6:
        return v4
    parts = {4: v4 or IMMUTABLE_DEFAULTS[key], 6: v6}
    return ",".join(parts[f] for f in node.families)


def _unique(items):
    return list(dict.fromkeys(items))


def build_config(node):
    """config.yaml of one node, in the order the keys are built; keys with an empty value are left out."""
    common = {
        "node-name": node.node_name,
        "node-ip": node.node_ip,
        "node-external-ip": node.node_external_ip,
        "node-label": node.node_labels,
        "node-taint": node.server_taints if node.server else node.agent_taints,
        "data-dir": node.data_dir if node.data_dir != DEFAULT_DATA_DIR else "",
        "server": "" if node.bootstrap else node.join_url,
    }
    if node.server:
        own = {
            "token": node.token,
            "agent-token": node.agent_token,
            "advertise-address": node.advertise_address,
            "tls-san": _unique(([node.api_host] if node.api_host else [])
                               + [a.strip() for ip in node.server_ips for a in str(ip).split(",")] + node.tls_san),
            "cni": node.cni,
            "cluster-cidr": _pair(node, node.cluster_cidr, node.cluster_cidr6, "cluster-cidr"),
            "service-cidr": _pair(node, node.service_cidr, node.service_cidr6, "service-cidr"),
        }
    else:
        own = {"token": node.agent_token if node.agent_token else node.token}
    config = {k: v for k, v in dict(common, **own).items() if v not in _EMPTY}
    config.update(node.extra)
    return config


def _load_mapping(text, what):
    """A YAML mapping from text; empty text or an empty document is {}. Errors name the line, never the content."""
    if text is None or text == "":
        return {}
    if not HAS_YAML:  # pragma: no cover
        raise Rke2ConfigError(f"reading {what} needs the Python library PyYAML")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise Rke2ConfigError(f"{what} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Rke2ConfigError(f"{what} is not a YAML mapping but a {type(data).__name__}")
    return data


def _public(config):
    """The mapping with every secret value masked (keys kept, so a changed token still shows as changed)."""
    return {k: (MASK if k in SECRET_KEYS else v) for k, v in config.items()}


def config_diff(before_text, after):
    """What changed in config.yaml: {changed_keys, before, after}, secrets masked; before_text None means absent."""
    try:
        before = _load_mapping(before_text, "the current config.yaml")
    except Rke2ConfigError:
        before = {}  # a broken file is replaced anyway: everything shows as changed
    keys = sorted(set(before) | set(after))
    return {
        "changed_keys": [k for k in keys if before.get(k, _ABSENT) != after.get(k, _ABSENT)],
        "before": _public(before),
        "after": _public(after),
    }


def _immutable_value(key, value, default):
    """A setting as RKE2 reads it: an empty (false) value is RKE2's default; cni may be a comma-separated string."""
    if not value:
        value = list(default) if isinstance(default, list) else default
    if key == "cni" and isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    return value


def _as_text(value):
    """Compare as the files mean it: '10.42.0.0/16' equals 10.42.0.0/16, cni element by element."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def drifts(config_text, canal_text, wanted, canal_backend):
    """Settings that differ between the node's files and the inventory: [{key, current, wanted}].

    config_text: the current config.yaml ('' or None when absent); canal_text: the current rke2-canal-config.yaml
    or None when absent (then the canal backend is not compared); wanted: the new config.yaml mapping;
    canal_backend: rke2_canal_backend.
    """
    current = _load_mapping(config_text, "the current config.yaml")
    if not isinstance(wanted, dict):
        raise Rke2ConfigError(f"the wanted config.yaml must be a mapping, got {type(wanted).__name__}")
    pairs = [(key, _immutable_value(key, current.get(key), default), _immutable_value(key, wanted.get(key), default))
             for key, default in IMMUTABLE_DEFAULTS.items()]
    now, want = next((now, want) for key, now, want in pairs if key == "cluster-cidr")
    pairs.insert(0, (IP_FAMILIES, _families(now), _families(want)))
    if canal_text is not None:
        pairs.append((CANAL_BACKEND, current_canal_backend(canal_text), canal_backend))
    return [{"key": k, "current": now, "wanted": want} for k, now, want in pairs if _as_text(now) != _as_text(want)]


def _families(cidrs):
    """The IP families of a cluster-cidr value, as text: ["IPv4"], ["IPv4", "IPv6"] (adding a family to a running
    single-stack cluster is not supported: rke2-docs basic_network_options.md "Dual-stack configuration")."""
    parts = cidrs if isinstance(cidrs, list) else str(cidrs).split(",")
    return [f"IPv{_family_of_cidr(p) or '?'}" for p in parts if str(p).strip()]


def current_canal_backend(canal_text):
    """The flannel backend in a rke2-canal HelmChartConfig (its valuesContent), RKE2's vxlan when not set."""
    what = "the current rke2-canal-config.yaml"
    spec = _load_mapping(canal_text, what).get("spec")
    values = _load_mapping((spec or {}).get("valuesContent") if isinstance(spec, dict) else None,
                           f"spec.valuesContent of {what}")
    flannel = values.get("flannel")
    backend = flannel.get("backend") if isinstance(flannel, dict) else None
    return backend or DEFAULT_CANAL_BACKEND
