# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side glue between Ansible data (hostvars, groups, filter arguments) and the pure model.

- :func:`filter_errors` turns a ModelError into an AnsibleFilterError naming the filter;
- :func:`validate_args` checks a filter's arguments against its own DOCUMENTATION (doc fragments included), the
  way ansible.utils' ``_validate_args`` does, so the documentation is the one source of types and choices;
- :func:`inventory_hosts` / :func:`host_info` read the model's host fields out of hostvars.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import yaml
from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_native
from ansible.utils.display import Display

from ansible_collections.multihomed.rke2.plugins.doc_fragments.model import ModuleDocFragment
from ansible_collections.multihomed.rke2.plugins.module_utils import plan
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError, ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host
from ansible_collections.multihomed.rke2.plugins.module_utils import report
from ansible_collections.multihomed.rke2.plugins.module_utils.report import REPORT_VERSION

display = Display()
_FRAGMENTS = {
    "multihomed.rke2.model": ModuleDocFragment.DOCUMENTATION,
    "multihomed.rke2.model.inventory": ModuleDocFragment.INVENTORY,
    "multihomed.rke2.model.report": ModuleDocFragment.REPORT,
}
_ARGSPEC_KEYS = ("type", "elements", "choices", "default", "required", "no_log")


def filter_errors(func):
    """Turn the collection's errors (model, pod checks) into AnsibleFilterError naming the filter."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CollectionError as exc:
            raise AnsibleFilterError(f"{func.__name__}: {to_native(exc)}")

    return wrapper


@functools.lru_cache(maxsize=None)
def _argument_spec(documentation):
    doc = yaml.safe_load(documentation)
    options = {}
    for name in doc.get("extends_documentation_fragment") or []:
        options.update(yaml.safe_load(_FRAGMENTS[name]).get("options") or {})
    options.update(doc.get("options") or {})
    options.pop("_input", None)
    return {k: {key: v[key] for key in _ARGSPEC_KEYS if key in v} for k, v in options.items()}


def plain_data(value):
    """Plain dicts and lists of a templated value. ansible-core 2.19 and later pass lazy containers, which the
    validator's deepcopy would copy with their templar (ansible-core 2.22 warns that this is deprecated)."""
    if isinstance(value, Mapping):
        return {plain_data(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(plain_data(v) for v in value)
    if isinstance(value, (list, set, frozenset)):
        return [plain_data(v) for v in value]
    return value


def validate_args(documentation, name, **params):
    """The filter's arguments, checked and completed with defaults from its DOCUMENTATION (AnsibleFilterError)."""
    # An argument given as None means "not given" (Jinja callers pass None for optional arguments).
    params = {k: plain_data(v) for k, v in params.items() if v is not None}
    result = ArgumentSpecValidator(_argument_spec(documentation)).validate(params)
    if result.error_messages:
        raise AnsibleFilterError(f"{name}: invalid arguments: {'; '.join(result.error_messages)}")
    return result.validated_parameters


def require_report(value, name):
    """The validated model's report, or an error saying what the filter expects (never a KeyError later)."""
    if not isinstance(value, dict) or value.get("version") != REPORT_VERSION:
        raise AnsibleFilterError(f"{name}: the input must be the validated model (the fact multihomed_report that "
                                 "playbooks/preflight.yml publishes, or multihomed_networks | "
                                 "multihomed.rke2.validate_model(hostvars, groups)), not the raw multihomed_networks")
    return value


def host_info(host_vars, host=None):
    """Host from one host's variables (hostvars[inventory_hostname] or a dict with the same keys)."""
    if host_vars is None:
        raise ModelError(["model: the host's variables are needed (pass hostvars[inventory_hostname])"])
    try:
        return Host.from_vars(host or host_vars.get("inventory_hostname", "<unknown>"), host_vars)
    except AttributeError:
        raise ModelError([f"model: expected the host's variables as a mapping, got {type(host_vars).__name__}"])


def inventory_hosts(networks, hostvars, groups):
    """Host of every host attached to any network, from hostvars and groups."""
    if hostvars is None or groups is None:
        raise ModelError(["model: hostvars and groups are needed to see every host"])
    names = plan.attached_host_names(networks, groups)
    missing = sorted(set(names) - set(hostvars))
    if missing:
        raise ModelError([f"model: hosts {', '.join(missing)} are in the groups but not in hostvars"])
    stray = _stray_hosts(networks, hostvars, groups, set(names))
    if stray:
        raise ModelError(stray)
    return [Host.from_vars(h, hostvars[h]) for h in names]


def _stray_hosts(networks, hostvars, groups, attached):
    """Hosts that carry the model's host variables but are in none of the networks' groups: they would be left out
    of every plan without a word (a group misspelt, a host added to the inventory but not to a group)."""
    wanted = sorted({g for spec in networks.values() if isinstance(spec, dict) for g in spec.get("groups") or []})
    cluster = set(groups.get("rke2_cluster") or [])
    out = []
    for host in groups.get("all") or []:
        if host in attached or host not in hostvars:
            continue
        given = [v for v in ("multihomed_addresses", "multihomed_interfaces") if hostvars[host].get(v)]
        if given:
            out.append(f"host '{host}': {' and '.join(given)} set, but the host is in none of the networks' groups "
                       f"({', '.join(wanted)}): add it to one, or remove the variable")
        elif host in cluster:
            # The playbooks run on rke2_cluster: such a host would be configured with no network at all.
            out.append(f"host '{host}': in the group rke2_cluster, but in none of the networks' groups "
                       f"({', '.join(wanted)}): add it to rke2_servers or rke2_agents (or the group a network "
                       "names), or remove it from rke2_cluster")
    return out


def validated_report(networks, hostvars, groups):
    """The model validated against every host of the inventory, as the report (ModelError with every problem): the
    one validation the filter validate_model and the action network_model share."""
    hosts = inventory_hosts(networks, hostvars, groups)
    result = report.build(networks, hosts)
    note_validation(hosts, result["networks"])
    return result


def note_validation(hosts, networks):
    """One line per validation of the whole model (shown with -v), so a run shows how often it validated."""
    display.v(f"multihomed.rke2: network model validated ({len(networks)} networks, {len(hosts)} hosts)")
