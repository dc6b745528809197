"""roles/rke2: the tokens are no_log in the argument spec and in every task that reads or writes them.

Defaults and argument specs of every role are kept in step by tests/repo/test_consistency.py."""

import glob
import os
import re

import yaml

ROLE = os.path.join(os.path.dirname(__file__), "..", "..", "roles", "rke2")


def _load(rel):
    with open(os.path.join(ROLE, rel)) as f:
        return yaml.safe_load(f)


def test_secrets_are_no_log():
    options = _load("meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert options["rke2_token"].get("no_log") is True
    assert options["rke2_agent_token"].get("no_log") is True


def _touches_token(task):
    template = task.get("ansible.builtin.template") or {}
    slurp = task.get("ansible.builtin.slurp") or {}
    # An assert only tests that rke2_token is given (and names it in its message): it does not count.
    text = yaml.safe_dump({k: v for k, v in task.items() if k != "ansible.builtin.assert"})
    return (template.get("src") == "config.yaml.j2"
            or slurp.get("src", "").endswith("/config.yaml")
            or "config.yaml" in str(task.get("loop", "")) and "ansible.builtin.slurp" in task
            or "rke2_token" in text
            or ("ansible.builtin.set_fact" in task and "_rke2_current_files" in text)
            # The config.yaml mapping holds the token: only the filters that leave the tokens out may show it.
            or (re.search(r"\b_rke2_config\b", text) and not re.search(r"rke2_config_diff|rke2_drift", text)))


def test_every_task_touching_a_token_is_no_log():
    """Tasks that read or write config.yaml (which holds the tokens) log nothing."""
    seen = []
    for path in sorted(glob.glob(os.path.join(ROLE, "tasks", "*.yml")) + [os.path.join(ROLE, "handlers", "main.yml")]):
        for task in _walk(_load(os.path.relpath(path, ROLE))):
            if _touches_token(task):
                seen.append(task["name"])
                assert task.get("no_log") is True, task["name"]
    assert len(seen) >= 5, seen


def _walk(tasks):
    for task in tasks or []:
        if "block" in task:
            for part in ("block", "rescue", "always"):
                yield from _walk(task.get(part))
        else:
            yield task
