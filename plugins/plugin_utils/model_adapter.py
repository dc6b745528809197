# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side glue between Ansible data (hostvars, groups) and the pure network model."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.multihomed.rke2.plugins.module_utils import network_model as nm


def filter_errors(func):
    """Turn model errors into AnsibleFilterError that name network, host and field."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except nm.ModelError as exc:
            raise AnsibleFilterError("%s: %s" % (func.__name__, to_native(exc)))

    return wrapper


def host_info(host_vars, host=None):
    """HostInfo from one host's variables (hostvars[inventory_hostname] or a dict with the same keys)."""
    if host_vars is None:
        raise nm.ModelError(["model: the host's variables are needed (pass hostvars[inventory_hostname])"])
    try:
        return nm.HostInfo.from_vars(host or host_vars.get("inventory_hostname", "<unknown>"), host_vars)
    except AttributeError:
        raise nm.ModelError(["model: expected the host's variables as a mapping, got %s" % type(host_vars).__name__])


def inventory_hosts(networks, hostvars, groups):
    """HostInfo of every host attached to any network, from hostvars and groups."""
    if hostvars is None or groups is None:
        raise nm.ModelError(["model: hostvars and groups are needed to see every host"])
    names = nm.attached_host_names(networks, groups)
    missing = sorted(set(names) - set(hostvars))
    if missing:
        raise nm.ModelError(["model: hosts %s are in the groups but not in hostvars" % ", ".join(missing)])
    return [nm.HostInfo.from_vars(h, hostvars[h]) for h in names]
