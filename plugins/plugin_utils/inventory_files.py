# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The YAML files of an inventory, each parsed on its own so a syntax error is named by file, line and column.

ansible-core 2.19 and later report a YAML error in host_vars or group_vars as ``YAML parsing failed: Mapping values
are not allowed in this context`` with neither file nor line (2.16 named both); the lookup inventory_syntax runs
this first (playbooks/preflight.yml), on the controller. Vault-encrypted files are skipped; ``!vault`` and
``!unsafe`` values are accepted as they are. Pure Python over PyYAML, no Ansible imports.
"""

from __future__ import annotations

import os

import yaml

_SUFFIXES = ("", ".yml", ".yaml", ".json")
_VARS_DIRS = ("group_vars", "host_vars")


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """SafeLoader that takes Ansible's own tags as plain values."""


for _tag in ("!vault", "!unsafe", "!vault-encrypted"):
    _Loader.add_constructor(_tag, lambda loader, node: loader.construct_scalar(node)
                            if isinstance(node, yaml.ScalarNode) else None)


def _vars_files(directory):
    for base in _VARS_DIRS:
        top = os.path.join(directory, base)
        for root, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and os.path.splitext(name)[1] in _SUFFIXES:
                    yield os.path.join(root, name)


def files(sources):
    """Every YAML file of the inventory sources: a source file itself (when it is YAML) and the group_vars/host_vars
    beside it; a source directory's YAML files and its group_vars/host_vars. Sorted, each once."""
    out = []
    for source in sources or []:
        source = str(source)
        if os.path.isdir(source):
            out += [os.path.join(source, n) for n in sorted(os.listdir(source))
                    if os.path.splitext(n)[1] in (".yml", ".yaml") and os.path.isfile(os.path.join(source, n))]
            out += list(_vars_files(source))
        elif os.path.isfile(source):
            if os.path.splitext(source)[1] in (".yml", ".yaml"):
                out.append(source)
            out += list(_vars_files(os.path.dirname(source) or "."))
    return list(dict.fromkeys(out))


def problem(path):
    """None when the file parses as YAML (or is vault-encrypted), else ``path:line:column: what``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return f"{path}: cannot be read: {err.strerror}"
    if data.lstrip().startswith(b"$ANSIBLE_VAULT"):
        return None
    try:
        list(yaml.load_all(data, Loader=_Loader))  # nosec B506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        what = " ".join(str(p) for p in (err.context, err.problem) if p)
        return f"{where}: YAML syntax: {what}"
    except yaml.YAMLError as err:
        return f"{path}: YAML syntax: {err}"
    return None


def problems(sources):
    """``path:line:column: what`` for every inventory YAML file of ``sources`` that does not parse."""
    return [p for p in (problem(f) for f in files(sources)) if p]
