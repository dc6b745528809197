# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift: what differs between the model and the hosts, as findings, combined into one report.

Pure Python. ``playbooks/drift.yml`` collects check-mode results on the hosts (``multihomed.rke2.nic_plan``, the
rke2 role's config.yaml comparison) and reads the cluster API (``drift_cluster.py``); the ``drift_report`` filter
turns them into one report with :func:`build`, a plain text table with :func:`summary` and an exit status with
:func:`exit_code`. A finding is ``{kind, object, expected, actual, detail}`` (a file finding may add ``diff``); a
value that is absent is ``None``. Anything that could not be checked is a finding of kind ``unchecked``, so a
skipped host or a failed read never reads as clean.
"""

from __future__ import annotations

import difflib

from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError
from ansible_collections.multihomed.rke2.plugins.module_utils.plan_view import table

DRIFT_VERSION = 1
KINDS = ("file", "address", "default_route", "nic", "rke2_config", "nad", "longhorn_setting", "unchecked")
# Exit status: 0 everything matches the model, 1 something differs, 2 something could not be checked.
EXIT_CODES = {"clean": 0, "drift": 1, "incomplete": 2}
FILE_STATES = ("unchanged", "changed", "created", "removed")
# file state -> (expected, actual): nic_plan says what a real run would do to the file.
_FILE_SIDES = {"changed": ("as planned", "differs"), "created": ("present", "absent"), "removed": ("absent", "present")}
MASK = "********"
_WIDTH = 48


class DriftError(CollectionError):
    """A check result that is not of the documented shape (names the host and the field)."""


def finding(kind, obj, expected, actual, detail="", **extra):
    if kind not in KINDS:
        raise DriftError(f"finding kind {kind!r} is not one of {', '.join(KINDS)}")
    out = {"kind": kind, "object": obj, "expected": expected, "actual": actual, "detail": detail}
    out.update(extra)
    return out


def _unchecked(what, result):
    """An 'unchecked' finding when a registered result did not run (None, failed, unreachable, skipped)."""
    if result is None:
        return finding("unchecked", what, "checked", "no result", "the host was unreachable or failed before it")
    if not isinstance(result, dict):
        return finding("unchecked", what, "checked", "no result", f"got {type(result).__name__}, not a result")
    for flag, actual in (("unreachable", "unreachable"), ("failed", "failed"), ("skipped", "skipped")):
        if result.get(flag):
            return finding("unchecked", what, "checked", actual, str(result.get("msg") or "").strip())
    return None


def _require(errors, host, field, value, kind, what):
    if not isinstance(value, kind):
        errors.append(f"host '{host}': nic_plan result {field} must be {what}, got {type(value).__name__}")
        return False
    return True


def _check_nic_shape(host, result):
    errors = []
    files, networks = result.get("files", []), result.get("networks", {})
    if _require(errors, host, "files", files, list, "a list"):
        for i, f in enumerate(files):
            if not isinstance(f, dict) or not isinstance(f.get("path"), str) or f.get("state") not in FILE_STATES:
                errors.append(f"host '{host}': nic_plan result files[{i}] must be {{path, state}} with state one of "
                              f"{', '.join(FILE_STATES)}, got {f!r}")
    if _require(errors, host, "networks", networks, dict, "a mapping"):
        for net, n in networks.items():
            if not _require(errors, host, f"networks.{net}", n, dict, "a mapping"):
                continue
            for key in ("planned", "seen", "extra", "missing"):
                _require(errors, host, f"networks.{net}.{key}", n.get(key, []), list, "a list of addr/prefix")
            _require(errors, host, f"networks.{net}.default_route_ok", n.get("default_route_ok", True), bool,
                     "a boolean")
    _require(errors, host, "problems", result.get("problems", []), list, "a list of strings")
    _require(errors, host, "diff", result.get("diff", []), list, "a list of {before_header, after_header, before, "
             "after}")
    if errors:
        raise DriftError("; ".join(errors))


def _file_diff(path, diffs):
    """Unified diff text of one file from the module's diff entries (matched by header), or ''."""
    for d in diffs:
        if isinstance(d, dict) and path in (d.get("before_header"), d.get("after_header")):
            before = str(d.get("before") or "").splitlines(keepends=True)
            after = str(d.get("after") or "").splitlines(keepends=True)
            return "".join(difflib.unified_diff(before, after, f"{path} (host)", f"{path} (planned)", n=1))
    return ""


def _diff_counts(text):
    lines = text.splitlines()
    plus = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    minus = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    return f"{plus} line(s) to add, {minus} to remove" if text else ""


def _default_route(result, plan):
    """One finding when nic_plan says the host's default route is not as planned (its ``default_route_ok`` is the
    host's, repeated on every network), or None. Expected: the plan's network and gateway; actual: the devices of
    the host's default routes (``default_routes``) when the module gives them."""
    if all(n.get("default_route_ok") is not False for n in result.get("networks", {}).values()):
        return None
    entry = next((e for e in plan or [] if e.get("default_route")), None)
    if entry:
        expected = f"via {entry.get('gateway') or 'DHCP'} on {entry.get('network')} ({entry.get('device')})"
    else:
        expected = f"on {result['default_route_planned']}" if result.get("default_route_planned") else "as planned"
    routes = result.get("default_routes")
    actual = ("on " + ", ".join(routes) if routes else "none") if isinstance(routes, list) else "differs"
    return finding("default_route", "default route", expected, actual, "the host's default route is not the plan's")


def nic_findings(result, host="", plan=None):
    """Findings of one host from ``multihomed.rke2.nic_plan`` run in check mode (its registered result).

    Expected shape (every key optional, empty when absent)::

        changed: bool
        files: [{path, state: unchanged|changed|created|removed}]
        diff: [{before_header, after_header, before, after}]        # headers are the file's path
        networks: {<network>: {device, planned: [addr/prefix], seen: [...], extra: [...], missing: [...],
                               default_route_ok: bool}}      # the host's verdict, the same on every network
        default_routes: [device]                                 # devices of the host's default routes
        default_route_planned: device                            # the plan's, or None
        problems: [str]

    ``plan``: the host's NIC plan from the report (``multihomed_report.plans[host]``), to say which default route
    was expected. A result that did not run (None, failed, unreachable, skipped) is one ``unchecked`` finding.
    """
    skipped = _unchecked(f"{host}: NIC plan (nic_plan)", result)
    if skipped:
        return [skipped]
    _check_nic_shape(host, result)
    out = []
    diffs = result.get("diff") or []
    for f in result.get("files") or []:
        if f["state"] == "unchanged":
            continue
        expected, actual = _FILE_SIDES[f["state"]]
        text = _file_diff(f["path"], diffs)
        out.append(finding("file", f["path"], expected, actual, _diff_counts(text) or f"nic_plan: {f['state']}",
                           **({"diff": text} if text else {})))
    for net in sorted(result.get("networks") or {}):
        n = result["networks"][net]
        where = f"{net} ({n.get('device') or '?'})"
        missing, extra = list(n.get("missing") or []), list(n.get("extra") or [])
        if missing or extra:
            parts = [f"{label} {', '.join(addrs)}" for label, addrs in (("missing", missing), ("extra", extra))
                     if addrs]
            out.append(finding("address", where, list(n.get("planned") or []), list(n.get("seen") or []),
                               "; ".join(parts)))
    route = _default_route(result, plan)
    if route:
        out.append(route)
    for problem in result.get("problems") or []:
        out.append(finding("nic", host, "as planned", "problem", str(problem)))
    if result.get("changed") and not out:
        out.append(finding("nic", host, "unchanged", "changed", "nic_plan would change something it did not list"))
    return out


def rke2_findings(check, host=""):
    """Findings of one host's config.yaml comparison (the fact ``rke2_config_drift`` of the rke2 role's drift tasks).

    Shape: ``{path, present: bool, diff: rke2_config_diff's {changed_keys, before, after} (tokens masked),
    immutable: rke2_drift's [{key, current, wanted}], error: str}``; ``error`` set means it could not compare.
    """
    what = f"{host}: config.yaml"
    skipped = _unchecked(what, check)
    if skipped:
        return [skipped]
    if check.get("error"):
        return [finding("unchecked", what, "checked", "not compared", str(check["error"]))]
    path = check.get("path") or "config.yaml"
    if not check.get("present", True):
        return [finding("rke2_config", path, "present", "absent", "RKE2's config.yaml is missing")]
    diff = check.get("diff") or {}
    if not isinstance(diff.get("changed_keys", []), list):
        raise DriftError(f"host '{host}': rke2 check diff.changed_keys must be a list")
    immutable = {d.get("key"): d for d in check.get("immutable") or [] if isinstance(d, dict)}
    out = []
    for key in diff.get("changed_keys") or []:
        expected, actual = (diff.get("after") or {}).get(key), (diff.get("before") or {}).get(key)
        detail = "a secret: the values are masked" if MASK in (expected, actual) else ""
        if key in immutable:
            detail = "RKE2 cannot change it on a running cluster"
        out.append(finding("rke2_config", f"{path}: {key}", expected, actual, detail))
    for key, d in immutable.items():
        if key not in (diff.get("changed_keys") or []):
            out.append(finding("rke2_config", f"{path}: {key}", d.get("wanted"), d.get("current"),
                               "RKE2 cannot change it on a running cluster"))
    return out


def host_findings(host, checks, plan=None):
    """Every finding of one host from what the drift play gathered there: ``{nic_plan: result, rke2_config: fact}``.

    A key that is absent was not asked for (that check is switched off); ``checks`` None means the host never got
    to the end of the play (unreachable, or failed before the checks): one ``unchecked`` finding.
    """
    if not isinstance(checks, dict):
        return [finding("unchecked", host, "checked", "no result",
                        "no drift results from this host: unreachable, or failed before the checks")]
    out = []
    if "nic_plan" in checks:
        out += nic_findings(checks["nic_plan"], host, plan)
    if "rke2_config" in checks:
        out += rke2_findings(checks["rke2_config"], host)
    return out


def exit_code(report):
    """0: everything matches the model; 1: something differs; 2: something could not be checked."""
    return EXIT_CODES[report["status"]]


def _status(findings):
    if any(f["kind"] == "unchecked" for f in findings):
        return "incomplete"
    return "drift" if findings else "clean"


def build(hosts, cluster, notes=(), cluster_checked=True):
    """The report: ``{version, clean, status, exit_code, counts, hosts: {host: [finding]}, cluster: [finding],
    cluster_checked, notes}``. Hosts without findings stay listed (with ``[]``): they were checked and match;
    ``cluster_checked`` false: the cluster API was left out on purpose (not an ``unchecked`` finding)."""
    if not isinstance(hosts, dict) or not isinstance(cluster, list):
        raise DriftError("drift report: hosts must map host -> findings and cluster must be a list of findings")
    every = [f for fs in hosts.values() for f in fs] + list(cluster)
    for f in every:
        if not isinstance(f, dict) or f.get("kind") not in KINDS:
            raise DriftError(f"drift report: {f!r} is not a finding (kind one of {', '.join(KINDS)})")
    counts = {}
    for f in every:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    status = _status(every)
    return {"version": DRIFT_VERSION, "clean": not every, "status": status, "exit_code": EXIT_CODES[status],
            "counts": counts, "hosts": {h: list(hosts[h]) for h in sorted(hosts)}, "cluster": list(cluster),
            "cluster_checked": bool(cluster_checked), "notes": list(notes)}


def _cell(value, width=_WIDTH):
    if value is None:
        text = "(none)"
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value) or "(none)"
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items()) or "(none)"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[:width - 3] + "..."


def summary(report):
    """The report as people read it: one line per finding ('no drift' when clean), then the notes.

    The object is never shortened (it names the culprit); long expected/actual/detail cells are (the JSON has all).
    """
    hosts = report["hosts"]
    parts = ([f"{len(hosts)} host(s)"] if hosts else []) + (["the cluster API"] if report["cluster_checked"] else [])
    where = " and ".join(parts) or "nothing checked"
    if report["clean"]:
        lines = [f"no drift in {where}: everything matches the model"]
    else:
        total = sum(report["counts"].values())
        lines = [f"drift ({report['status']}, exit {report['exit_code']}): {total} finding(s) in {where}"]
        rows = [[scope, f["kind"], _cell(f["object"], None), _cell(f["expected"]), _cell(f["actual"]), _cell(f["detail"])]
                for scope, fs in [(h, hosts[h]) for h in hosts] + [("cluster", report["cluster"])] for f in fs]
        lines.append(table(["host", "kind", "object", "expected", "actual", "detail"], rows))
    lines += [f"note: {n}" for n in report.get("notes") or []]
    return "\n".join(lines)
