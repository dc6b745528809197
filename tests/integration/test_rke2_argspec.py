"""roles/rke2: the tokens are no_log in the argument spec, in the module that writes them and in every task that
reads or writes config.yaml.

The tokens reach the node only through multihomed.rke2.rke2_node_files (module_defaults from vars/main.yml
_rke2_files_args), whose own argument spec marks them no_log: Ansible then masks their values in every result, log
and callback event (AWX job events included), and the module masks them in its diff. tests/integration/
test_rke2_install.py and test_awx_runner.py check the output itself. Defaults and argument specs of every role are
kept in step by tests/repo/test_consistency.py."""

import ast
import glob
import os

import yaml

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ROLE = os.path.join(ROOT, "roles", "rke2")
MODULE = os.path.join(ROOT, "plugins", "modules", "rke2_node_files.py")


def _load(rel):
    with open(os.path.join(ROLE, rel)) as f:
        return yaml.safe_load(f)


def test_secrets_are_no_log():
    options = _load("meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert options["rke2_token"].get("no_log") is True
    assert options["rke2_agent_token"].get("no_log") is True


def _module_options_no_log():
    """Option name -> no_log, read from the AnsibleModule(argument_spec=dict(...)) call of rke2_node_files."""
    with open(MODULE) as f:
        tree = ast.parse(f.read())
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "AnsibleModule":
            spec = next(k.value for k in call.keywords if k.arg == "argument_spec")
            return {k.arg: any(kw.arg == "no_log" and getattr(kw.value, "value", None) is True for kw in k.value.keywords)
                    for k in spec.keywords}
    raise AssertionError("no AnsibleModule call in %s" % MODULE)


def test_module_marks_the_tokens_no_log():
    no_log = _module_options_no_log()
    assert no_log["token"] and no_log["agent_token"]
    assert not any(v for k, v in no_log.items() if k not in ("token", "agent_token")), no_log


def test_tokens_go_only_to_the_module():
    """rke2_token / rke2_agent_token appear in vars only as the module's token options, in tasks only in messages."""
    args = _load("vars/main.yml")["_rke2_files_args"]
    assert "rke2_token" in args["token"] and "rke2_agent_token" in args["agent_token"]
    rest = yaml.safe_dump({k: v for k, v in args.items() if k not in ("token", "agent_token")})
    assert "token" not in rest.replace("agent_token", "")
    for path in sorted(glob.glob(os.path.join(ROLE, "tasks", "*.yml")) + [os.path.join(ROLE, "handlers", "main.yml")]):
        for task in _walk(_load(os.path.relpath(path, ROLE))):
            text = yaml.safe_dump(task)
            assert "rke2_token" not in text and "rke2_agent_token" not in text, (path, task.get("name"))


def _touches_config_yaml(task):
    slurp = task.get("ansible.builtin.slurp") or {}
    return (slurp.get("src", "").endswith("/config.yaml")
            or "config.yaml" in str(task.get("loop", "")) and "ansible.builtin.slurp" in task
            or (task.get("ansible.builtin.template") or {}).get("dest", "").endswith("config.yaml"))


def test_every_task_reading_config_yaml_is_no_log():
    """Any plain task that reads or writes config.yaml (which holds the tokens) logs nothing; the module's calls are
    covered by its argument spec."""
    module_calls = 0
    for path in sorted(glob.glob(os.path.join(ROLE, "tasks", "*.yml")) + [os.path.join(ROLE, "handlers", "main.yml")]):
        for task in _walk(_load(os.path.relpath(path, ROLE))):
            module_calls += "multihomed.rke2.rke2_node_files" in task
            if _touches_config_yaml(task):
                assert task.get("no_log") is True, task["name"]
    assert module_calls >= 3, "preflight, config and drift call the module"


def _walk(tasks):
    for task in tasks or []:
        if "block" in task:
            for part in ("block", "rescue", "always"):
                yield from _walk(task.get(part))
        else:
            yield task
