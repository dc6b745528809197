"""roles/rke2: meta/argument_specs.yml and defaults/main.yml stay in step (names, and the same default values)."""

import os

import yaml

ROLE = os.path.join(os.path.dirname(__file__), "..", "..", "roles", "rke2")


def _load(rel):
    with open(os.path.join(ROLE, rel)) as f:
        return yaml.safe_load(f)


def test_every_default_is_documented_and_vice_versa():
    defaults = _load("defaults/main.yml")
    options = _load("meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert sorted(set(defaults) - set(options)) == [], "defaults missing from argument_specs"
    assert sorted(set(options) - set(defaults)) == [], "argument_specs options without a default"


def test_defaults_match():
    defaults = _load("defaults/main.yml")
    options = _load("meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    for name, spec in options.items():
        assert spec.get("default") == defaults[name], name
        assert name.startswith("rke2_"), name
        assert spec.get("description"), name


def test_secrets_are_no_log():
    options = _load("meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert options["rke2_token"].get("no_log") is True
    assert options["rke2_agent_token"].get("no_log") is True


def _touches_token(task):
    template = task.get("ansible.builtin.template") or {}
    slurp = task.get("ansible.builtin.slurp") or {}
    # An assert that only sees the boolean _rke2_token_given (and names rke2_token in its message) does not count.
    text = yaml.safe_dump({k: v for k, v in task.items() if k != "ansible.builtin.assert"})
    return (template.get("src") == "config.yaml.j2"
            or slurp.get("src", "").endswith("/config.yaml")
            or "config.yaml" in str(task.get("loop", "")) and "ansible.builtin.slurp" in task
            or "rke2_token" in text
            or ("ansible.builtin.set_fact" in task and "_rke2_current_files" in text))


def test_every_task_touching_a_token_is_no_log():
    """Tasks that read or write config.yaml (which holds the tokens) log nothing."""
    seen = []
    for rel in ("tasks/config.yml", "tasks/preflight.yml"):
        for task in _walk(_load(rel)):
            if _touches_token(task):
                seen.append(task["name"])
                assert task.get("no_log") is True, task["name"]
    assert len(seen) >= 4, seen


def _walk(tasks):
    for task in tasks or []:
        if "block" in task:
            yield from _walk(task["block"])
        else:
            yield task
