# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rke2 role's rules that tie several variables together, checked before anything changes.

Types and choices of single variables are meta/argument_specs.yml's job (Ansible validates them when the role
starts); what is left here needs two or more variables, or a range or pattern a spec cannot say: the node type from
the groups, the bootstrap server among the servers, a version for tarball and airgap installs, the airgap
directory, Multus on a primary CNI, rke2_agent_serial >= 1 and the drop-in file names.

Pure Python, no Ansible: the filter multihomed.rke2.rke2_settings_problems adapts it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Dict, List

VERSION = re.compile(r"^v[0-9]+\.[0-9]+\.[0-9]+\+rke2r[0-9]+$")
DROPIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
INSTALLS_NEEDING_VERSION = ("tarball", "airgap")


@dataclass(frozen=True)
class Settings:
    """The role variables the rules read (the role variable in each comment)."""

    host: str  # inventory_hostname
    group_names: List[str]  # group_names, for the message
    servers_group: str  # rke2_servers_group
    agents_group: str  # rke2_agents_group
    servers: List[str]  # groups[rke2_servers_group]
    agents: List[str]  # groups[rke2_agents_group]
    bootstrap_server: str  # rke2_bootstrap_server
    install_method: str  # rke2_install_method
    version: str = ""  # rke2_version
    airgap_dir: str = ""  # rke2_airgap_dir
    cni_primary: str = "canal"  # rke2_cni_primary
    multus_enabled: bool = True  # rke2_multus_enabled | bool
    agent_serial: Any = 1  # rke2_agent_serial
    dropins: Dict[str, Any] = field(default_factory=dict)  # rke2_config_dropins


def settings_from_mapping(data):
    """Settings from a mapping; unknown fields raise ValueError naming them."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a mapping of the role's settings, got {type(data).__name__}")
    host = data.get("host", "<unknown host>")
    unknown = sorted(set(data) - {f.name for f in fields(Settings)})
    if unknown:
        raise ValueError(f"host '{host}': unknown fields {', '.join(unknown)}")
    missing = [f.name for f in fields(Settings)
               if f.name not in data and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise ValueError(f"host '{host}': missing fields {', '.join(missing)}")
    return Settings(**data)


def _node_type(s):
    server, agent = s.host in s.servers, s.host in s.agents
    if server != agent:
        return []
    return [f"the host must be in exactly one of the groups '{s.servers_group}' or '{s.agents_group}' "
            f"(it is in {sorted(s.group_names)})"]


def _bootstrap(s):
    if s.bootstrap_server and s.bootstrap_server in s.servers:
        return []
    return [f"rke2_bootstrap_server ('{s.bootstrap_server}') must be one of the servers of group "
            f"'{s.servers_group}' ({', '.join(s.servers) or 'none'})"]


def _install(s):
    out = []
    if s.install_method in INSTALLS_NEEDING_VERSION and not VERSION.match(str(s.version)):
        out.append(f"rke2_install_method {s.install_method} needs rke2_version like v1.31.5+rke2r1 "
                   f"(got '{s.version}')")
    if s.install_method == "airgap" and not s.airgap_dir:
        out.append("rke2_install_method airgap needs rke2_airgap_dir (the directory of the artifacts on the controller)")
    return out


def _cni(s):
    if s.multus_enabled and s.cni_primary == "none":
        return ["rke2_multus_enabled needs a primary CNI: rke2_cni_primary is none"]
    return []


def _serial(s):
    try:
        ok = int(s.agent_serial) >= 1
    except (TypeError, ValueError):
        ok = False
    return [] if ok else [f"rke2_agent_serial must be an integer >= 1 (got {s.agent_serial!r})"]


def _dropins(s):
    if not isinstance(s.dropins, dict):
        return [f"rke2_config_dropins must be a mapping of file names to mappings, got {type(s.dropins).__name__}"]
    bad = sorted(str(name) for name in s.dropins if not DROPIN_NAME.match(str(name)))
    if not bad:
        return []
    return [f"rke2_config_dropins: file names {bad} are not letters, digits, '.', '_' and '-' "
            "starting with a letter or digit"]


RULES = (_node_type, _bootstrap, _install, _cni, _serial, _dropins)


def problems(settings: Settings) -> List[str]:
    """Every rule the settings break, one message each (empty when all is well)."""
    return [message for rule in RULES for message in rule(settings)]
