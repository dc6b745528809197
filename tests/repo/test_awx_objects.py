# -*- coding: utf-8 -*-
"""The AWX objects of awx/ are what AWX accepts: parameters and types of awx.awx's own modules (their argument_spec,
captured by running the module's main() up to the point where it builds ControllerAPIModule), AWX's survey spec and
credential type rules (scripts/awx_job.py), and they agree with the roles' argument_specs and with awx/configure.yml."""
import glob
import importlib
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import awx_job  # noqa: E402

TEMPLATES = awx_job.job_template_names()
SCHEDULES = awx_job.schedule_names()
CREDENTIAL_ROLES = {"machine", "vault", "rke2_token", "kubernetes"}
PY_TYPES = {"str": str, "bool": bool, "int": int, "dict": dict, "list": list, "raw": object, "float": (int, float)}


class _Captured(Exception):
    pass


def module_argument_spec(name):
    """The argument_spec awx.awx's module `name` hands to ControllerAPIModule (aliases resolved to their option)."""
    module = importlib.import_module("ansible_collections.awx.awx.plugins.modules." + name)
    captured = {}

    def capture(argument_spec, **_kwargs):
        captured.update(argument_spec)
        raise _Captured()

    real = module.ControllerAPIModule
    module.ControllerAPIModule = capture
    try:
        module.main()
    except _Captured:
        pass
    finally:
        module.ControllerAPIModule = real
    spec = {}
    for option, props in captured.items():
        for key in [option] + list(props.get("aliases", [])):
            spec[key] = dict(props, option=option)
    return spec


def argument_errors(params, spec):
    errors = []
    for key, value in params.items():
        if key not in spec:
            errors.append("unknown parameter '%s'" % key)
            continue
        kind = PY_TYPES[spec[key].get("type", "str")]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            errors.append("'%s' must be %s, not %s" % (key, spec[key].get("type", "str"), type(value).__name__))
        elif "choices" in spec[key] and value not in spec[key]["choices"]:
            errors.append("'%s': %r is not one of %s" % (key, value, spec[key]["choices"]))
        elif spec[key].get("elements") == "str" and not all(isinstance(v, str) for v in value):
            errors.append("'%s' must be a list of strings" % key)
    errors += ["'%s' is required" % o for o, p in spec.items() if p.get("required") and o not in params]
    return errors


def role_options():
    options = {}
    for path in glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml")):
        with open(path) as f:
            options.update(yaml.safe_load(f)["argument_specs"]["main"]["options"])
    return options


def runtime_text():
    text = ""
    for path in glob.glob(os.path.join(ROOT, "roles", "*", "*", "*.yml")) + glob.glob(
            os.path.join(ROOT, "playbooks", "*.yml")):
        if not path.endswith(("argument_specs.yml", os.path.join("defaults", "main.yml"))):
            with open(path) as f:
                text += f.read() + "\n"
    return text


# ---- the checks themselves, on broken examples: each names what AWX would refuse ------------------------------
GOOD_QUESTION = {"question_name": "Q", "variable": "v", "type": "text", "required": False}


@pytest.mark.parametrize("spec, expected", [
    ({"name": "s", "spec": [GOOD_QUESTION]}, "field 'description' is missing"),
    ({"name": "s", "description": "", "spec": []}, "doesn't contain any items"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, type="boolean")]}, "type 'boolean' is not one of"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, required="no")]}, "'required' must be a boolean"),
    ({"name": "s", "description": "", "spec": [GOOD_QUESTION, GOOD_QUESTION]}, "variable 'v' duplicated"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, type="integer", default="3")]}, "is not a integer"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, type="multiplechoice")]}, "must have choices"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, type="multiplechoice", choices=["a"],
                                                    default="b")]}, "default 'b' is not among the choices"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, min="1")]}, "'min' must be an integer"),
    ({"name": "s", "description": "", "spec": [dict(GOOD_QUESTION, vairable="x")]}, "unknown key 'vairable'"),
    ({"name": "s", "description": "", "spec": [{"question_name": "Q", "type": "text"}]}, "variable, required missing"),
])
def test_survey_rules_name_the_culprit(spec, expected):
    errors = awx_job.survey_spec_errors(spec)
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize("change, expected", [
    (lambda c: c["inputs"]["fields"][0].update(type="password"), "type 'password' is not string or boolean"),
    (lambda c: c["inputs"]["fields"][0].update(id="1token"), "invalid variable name"),
    (lambda c: c["inputs"]["fields"][0].update(secrete=True), "unknown key 'secrete'"),
    (lambda c: c["inputs"]["required"].append("tokn"), "'tokn' is not a field"),
    (lambda c: c["injectors"]["extra_vars"].update(rke2_token="{{ tokn }}"), "'tokn' is undefined"),
    (lambda c: c["injectors"].update(env={"ANSIBLE_TOKEN": "{{ token }}"}), "not allowed in credentials"),
    (lambda c: c["injectors"].update(env={"PATH": "{{ token }}"}), "not allowed in credentials"),
    (lambda c: c["injectors"]["extra_vars"].update({"rke2-token": "{{ token }}"}), "invalid name"),
])
def test_credential_type_rules_name_the_culprit(change, expected):
    ctype = awx_job.credential_type()
    change(ctype)
    errors = awx_job.credential_type_errors(ctype)
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize("rrule, expected", [
    ("RRULE:FREQ=DAILY;INTERVAL=1", "Valid DTSTART required"),
    ("DTSTART:20250101T023000 RRULE:FREQ=DAILY;INTERVAL=1", "cannot be a naive datetime"),
    ("DTSTART:20250101T023000Z DTSTART:20250102T023000Z RRULE:FREQ=DAILY;INTERVAL=1", "Multiple DTSTART"),
    ("DTSTART:20250101T023000Z", "One or more rule required"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=DAILY", "INTERVAL required"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=SECONDLY;INTERVAL=1", "SECONDLY is not supported"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=1MO", "BYDAY with numeric prefix"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=2;UNTIL=20260101T000000Z", "both COUNT and UNTIL"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=1000", "COUNT > 999"),
    ("DTSTART:20250101T023000Z RRULE:FREQ=DAILI;INTERVAL=1", "rrule parsing failed validation"),
])
def test_rrule_rules_name_the_culprit(rrule, expected):
    errors = awx_job.rrule_errors(rrule)
    assert any(expected in e for e in errors), errors


# ---- the files ------------------------------------------------------------------------------------------------
def test_credential_type_is_what_awx_accepts():
    ctype = awx_job.credential_type()
    assert argument_errors(ctype, module_argument_spec("credential_type")) == []
    assert awx_job.credential_type_errors(ctype) == []
    assert ctype["kind"] in ("cloud", "net"), "custom credential types must be of kind cloud or net"


def test_credential_type_keeps_the_token_secret():
    """Every input is secret, is injected as an extra var the roles take as no_log, and never into the environment
    (ansible-runner writes the job's environment into its artifacts, artifacts/<job>/command)."""
    ctype = awx_job.credential_type()
    options = role_options()
    assert all(f.get("secret") is True for f in ctype["inputs"]["fields"])
    assert "env" not in ctype["injectors"] and "file" not in ctype["injectors"]
    injected = ctype["injectors"]["extra_vars"]
    assert injected["rke2_token"] == "{{ token }}"
    for var in injected:
        assert options[var].get("no_log") is True, var
    extra, env = awx_job.render_injectors(ctype, {"token": "T"})
    assert extra == {"rke2_token": "T", "rke2_agent_token": ""} and env == {}


@pytest.mark.parametrize("name", TEMPLATES)
def test_job_template_is_what_awx_accepts(name):
    doc = awx_job.job_template(name)
    assert set(doc) == {"job_template", "credentials"}
    jt = doc["job_template"]
    spec = module_argument_spec("job_template")
    assert argument_errors(jt, spec) == []
    assert os.path.isfile(os.path.join(ROOT, jt["playbook"])), jt["playbook"]
    assert set(doc["credentials"]) <= CREDENTIAL_ROLES
    assert bool(jt.get("survey_enabled")) == ("survey_spec" in jt)
    if "survey_spec" in jt:
        assert awx_job.survey_spec_errors(jt["survey_spec"]) == []


@pytest.mark.parametrize("name", TEMPLATES)
def test_survey_questions_agree_with_the_roles(name):
    """argument_specs owns variable types and choices: a survey offers a subset; a bool offered as the strings
    "true"/"false" (AWX surveys have no boolean) goes only to variables every task reads through `| bool` or passes
    to a module option; a variable no role declares is one a playbook reads."""
    jt = awx_job.job_template(name)["job_template"]
    options, text = role_options(), runtime_text()
    for q in jt.get("survey_spec", {}).get("spec", []):
        var = q["variable"]
        assert re.search(r"\b%s\b" % var, text), "%s: nothing reads %s" % (name, var)
        if q.get("choices") == ["false", "true"]:
            for line in text.splitlines():
                if re.search(r"\b%s\b" % var, line) and not re.search(
                        r"%s\s*(\|\s*default\([^)]*\)\s*)?\|\s*bool|\{\{\s*%s\s*\}\}\"|%s:" % (var, var, var), line):
                    pytest.fail("%s: %s is a string from the survey but read without | bool: %s" % (name, var, line))
        if var not in options:
            continue
        kind = options[var].get("type", "str")
        if q["type"] == "integer":
            assert kind == "int", var
        elif q.get("choices") == ["false", "true"]:
            assert kind == "bool", var
        else:
            assert kind == "str", var
            assert set(q.get("choices", [])) <= set(options[var].get("choices", q.get("choices", []))), var


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_is_what_awx_accepts(name):
    doc = awx_job.schedule(name)
    assert set(doc) == {"schedule"}
    sched = doc["schedule"]
    assert argument_errors(sched, module_argument_spec("schedule")) == []
    assert awx_job.rrule_errors(sched["rrule"]) == []
    names = {awx_job.job_template(t)["job_template"]["name"]: t for t in TEMPLATES}
    assert sched["unified_job_template"] in names, "%s: no job template named %s" % (name, sched["unified_job_template"])


def test_configure_playbook_forwards_every_parameter_the_schedules_use():
    with open(os.path.join(ROOT, "awx", "configure.yml")) as f:
        play = yaml.safe_load(f)[0]
    forwarded = next(t["awx.awx.schedule"] for t in play["tasks"] if "awx.awx.schedule" in t)
    from_file = {k for k, v in forwarded.items() if "_multihomed_awx_sc." + k in str(v)}
    for name in SCHEDULES:
        unused = set(awx_job.schedule(name)["schedule"]) - from_file
        assert not unused, "%s: awx/configure.yml does not pass %s" % (name, sorted(unused))
    assert set(forwarded) <= set(module_argument_spec("schedule"))
    assert set(play["vars"]["multihomed_awx_schedules"]) == set(SCHEDULES)


def test_configure_playbook_forwards_every_parameter_the_files_use():
    with open(os.path.join(ROOT, "awx", "configure.yml")) as f:
        tasks = yaml.safe_load(f)[0]["tasks"]
    forwarded = next(t["awx.awx.job_template"] for t in tasks if "awx.awx.job_template" in t)
    from_file = {k for k, v in forwarded.items() if "_multihomed_awx_jt." + k in str(v)}
    for name in TEMPLATES:
        unused = set(awx_job.job_template(name)["job_template"]) - from_file
        assert not unused, "%s: awx/configure.yml does not pass %s" % (name, sorted(unused))
    ctask = next(t["awx.awx.credential_type"] for t in tasks if "awx.awx.credential_type" in t)
    assert set(awx_job.credential_type()) <= set(ctask)
    assert set(yaml.safe_load(open(os.path.join(ROOT, "awx", "configure.yml")))[0]["vars"][
        "multihomed_awx_job_templates"]) == set(TEMPLATES)
    assert set(forwarded) <= set(module_argument_spec("job_template"))
    assert set(ctask) <= set(module_argument_spec("credential_type"))


def test_configure_playbook_syntax():
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    res = subprocess.run([os.path.join(BIN, "ansible-playbook"), "--syntax-check", "awx/configure.yml"], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
