# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A node's RKE2 files as text, and what a converge would do to them.

What the module multihomed.rke2.rke2_node_files writes in one call per node:

- ``<config_dir>/config.yaml`` (0600: it holds the join token), ``<config_dir>/config.yaml.d/<name>.yaml`` drop-ins
  (0600), and on servers the HelmChartConfigs in ``<data_dir>/server/manifests`` (0600, RKE2 applies them on start
  and whenever they change); HelmChartConfigs of components switched off are removed.
- The texts are byte for byte what the role's templates wrote before (``ansible_managed`` comment on top,
  ``to_nice_yaml``-style config, literal blocks for ``valuesContent``), so upgrading the collection restarts nothing.

Pure Python (PyYAML only), no Ansible, no file access: the module reads and writes, these functions decide.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - the module names the missing python3-yaml
    HAS_YAML = False
    yaml = None

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_config as rc
from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_preflight as rp

CONFIG_MODE = 0o600
DIR_MODES = {"config": 0o755, "dropins": 0o755, "manifests": 0o700}
CANAL_MANIFEST = "rke2-canal-config.yaml"
_SECRET_LINE = re.compile(r"(?m)^(%s):.*$" % "|".join(re.escape(k) for k in rc.SECRET_KEYS))


@dataclass(frozen=True)
class Wanted:
    """One path as the node should have it: ``content`` None means absent."""

    path: str
    content: Optional[str]
    mode: int = CONFIG_MODE
    secret: bool = False  # holds a token: shown masked in diffs


@dataclass(frozen=True)
class Change:
    """What a converge does to one path: action is create, update or remove."""

    path: str
    action: str
    before: Optional[str]
    after: Optional[str]
    mode: int
    secret: bool


def _dump(data, manifest, **kw):
    """Block-style YAML of plain data: templated values may be str/dict subclasses a SafeDumper refuses."""
    if not HAS_YAML:  # pragma: no cover
        raise rc.Rke2ConfigError("rendering RKE2's files needs the Python library PyYAML (python3-yaml) on the node")
    return yaml.dump(json.loads(json.dumps(data)), Dumper=_ManifestDumper if manifest else yaml.SafeDumper,
                     default_flow_style=False, width=1000, **kw)


def nice_yaml(data):
    """As Ansible's ``to_nice_yaml(indent=2, width=1000)``: keys sorted, block style."""
    return _dump(data, False, allow_unicode=True, indent=2)


if HAS_YAML:
    class _ManifestDumper(yaml.SafeDumper):
        """Block style, indented lists, literal blocks for multi-line strings."""

        def increase_indent(self, flow=False, indentless=False):
            return super(_ManifestDumper, self).increase_indent(flow, False)

    def _literal(dumper, value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    _ManifestDumper.add_representer(str, _literal)


def manifest_yaml(data):
    """A Kubernetes manifest: keys in their order, multi-line strings (``valuesContent``) as literal blocks."""
    return _dump(data, True, sort_keys=False)


def _headed(header, body):
    return (header.rstrip("\n") + "\n" if header else "") + body


def config_text(node, config, header):
    """config.yaml of one node: the header, a line naming the node, the mapping."""
    kind = "server" if node.server else "agent"
    return _headed(header, f"# RKE2 configuration for {node.host} ({kind}), from the multihomed network model.\n"
                   + nice_yaml(config))


def mask(text, before=None):
    """A config.yaml text with every token line masked (for diffs; the keys stay). Given the ``before`` text, a token
    line whose value differs from it reads ``******** (changed)``, so a new token shows in the diff."""
    if text is None:
        return None
    old = dict(m.group(1, 0) for m in _SECRET_LINE.finditer(before)) if before is not None else None

    def masked(m):
        changed = old is not None and old.get(m.group(1)) != m.group(0)
        return f"{m.group(1)}: {rc.MASK}" + (" (changed)" if changed else "")
    return _SECRET_LINE.sub(masked, text)


def manifests_dir(data_dir):
    return posixpath.join(data_dir or rc.DEFAULT_DATA_DIR, "server", "manifests")


def wanted_files(node, config, config_dir, header, dropins=None, manifests=None):
    """Every path the node should have (or not have), in write order: config.yaml, drop-ins, manifests."""
    out = [Wanted(posixpath.join(config_dir, "config.yaml"), config_text(node, config, header), secret=True)]
    for name in sorted(dropins or {}):
        out.append(Wanted(posixpath.join(config_dir, "config.yaml.d", f"{name}.yaml"),
                          _headed(header, nice_yaml(dropins[name])), secret=True))
    if node.server:
        directory = manifests_dir(node.data_dir)
        for item in manifests or []:
            path = posixpath.join(directory, item["file"])
            if item.get("present", True):
                out.append(Wanted(path, _headed(header, manifest_yaml(item["content"]))))
            else:
                out.append(Wanted(path, None))
    return out


def directories(node, config_dir, dropins):
    """Directories the files need, with their modes (created or corrected by the module)."""
    out = {config_dir: DIR_MODES["config"]}
    if dropins:
        out[posixpath.join(config_dir, "config.yaml.d")] = DIR_MODES["dropins"]
    if node.server:
        out[manifests_dir(node.data_dir)] = DIR_MODES["manifests"]
    return out


def changes(wanted: List[Wanted], current: Dict[str, Optional[str]], modes: Dict[str, Optional[int]]):
    """What a converge does: a file whose text or mode differs is written, an unwanted file that exists removed."""
    out = []
    for w in wanted:
        before = current.get(w.path)
        if w.content is None:
            if before is not None or modes.get(w.path) is not None:
                out.append(Change(w.path, "remove", before, None, w.mode, w.secret))
        elif before is None and modes.get(w.path) is None:
            out.append(Change(w.path, "create", None, w.content, w.mode, w.secret))
        elif before != w.content or modes.get(w.path) != w.mode:
            out.append(Change(w.path, "update", before, w.content, w.mode, w.secret))
    return out


def diff_entries(found: List[Change]):
    """Ansible diff entries (one per changed file), tokens masked."""
    out = []
    for c in found:
        shown = [mask(c.before), mask(c.after, c.before)] if c.secret else [c.before, c.after]
        out.append({"before_header": c.path if c.before is not None else f"{c.path} (absent)",
                    "after_header": c.path if c.after is not None else f"{c.path} (absent)",
                    "before": shown[0] or "", "after": shown[1] or ""})
    return out


def guard_messages(host, found_drifts, data_dir):
    """The running-cluster guard's refusals, one sentence each (values are never tokens: see rke2_config.drifts)."""
    db = posixpath.join(data_dir or rc.DEFAULT_DATA_DIR, "server", "db")
    return [f"rke2 on {host}: '{d['key']}' cannot change on a running cluster ({db} exists): it is "
            f"{json.dumps(d['current'])} now and the inventory asks for {json.dumps(d['wanted'])}. Keep the current "
            "value, or rebuild the cluster." for d in found_drifts]


def settings_messages(host, settings):
    """The role's cross-variable rules (rke2_preflight), as one sentence, or none."""
    if not settings:
        return []
    try:
        found = rp.problems(rp.settings_from_mapping(dict(settings, host=host)))
    except ValueError as exc:
        found = [str(exc)]
    return [f"rke2 on {host}: invalid settings: {'; '.join(found)}."] if found else []


def token_messages(host, token):
    if str(token or "").strip():
        return []
    return [f"rke2_token is not set for {host}: give the cluster join token from Ansible Vault (rke2_token set "
            "from vault_rke2_token, encrypted in group_vars/rke2_cluster/vault.yml: docs/howto.md, Real VMs) or from "
            "an AWX credential; it is written to config.yaml as 'token'."]


FIREWALLD_WARNING = ("rke2 on {host}: firewalld is active; the RKE2 docs (known issues) say to disable it on RKE2 "
                     "nodes, as it conflicts with the iptables/nftables rules of the CNI (open ports with CNI policies "
                     "instead).")

_VERSION = re.compile(r"version (\S+)")


def installed_version(version_output):
    """The version in ``rke2 --version`` output ('rke2 version v1.31.5+rke2r1 (...)'), '' when there is none."""
    found = _VERSION.search(version_output or "")
    return found.group(1) if found else ""
