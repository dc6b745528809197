"""Run a job template of awx/ the way AWX's job runner does, and check the files of awx/ the way AWX's API does.

    .venv/bin/python scripts/awx_job.py plan -i inventories/lab -a multihomed_plan_dir=/tmp/plan
    RKE2_TOKEN=... .venv/bin/python scripts/awx_job.py rke2 -i inventories/lab --tags rke2_preflight,rke2_config \
        --check --credential rke2_token:token=env:RKE2_TOKEN

AWX (tasks/jobs.py RunJob) hands ansible-runner a private data directory: project/ (a copy of the project), inventory/
hosts (a script printing the inventory as JSON), env/extravars (the job template's extra vars, the survey answers and
awx_* variables), env/envvars, env/settings, env/cmdline (limit, tags, check, diff, verbosity and `-e @<file>` per
credential whose injector sets extra vars; that file is in env/, mode 0400), and removes the directory after the job.
This does the same, without the container: the execution environment is this venv, and the collection comes from
the checkout's .collections/ where the EE has it installed. The checks below are AWX's own rules, taken from its API
(JobTemplateSurveySpec._validate_spec_data, CredentialTypeInputField, CredentialTypeInjectorField), so that a file
AWX would refuse fails here first.
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AWX_DIR = os.path.join(ROOT, "awx")
BIN = os.path.dirname(sys.executable)

SURVEY_TYPES = {"text": str, "textarea": str, "password": str, "multiplechoice": str, "multiselect": str,
                "integer": int, "float": float}
SURVEY_QUESTION_KEYS = {"question_name", "question_description", "variable", "type", "required", "default",
                        "choices", "min", "max", "new_question"}
INPUT_FIELD_KEYS = {"id", "label", "type", "format", "choices", "help_text", "multiline", "secret", "ask_at_runtime",
                    "default"}
NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
FILE_TEMPLATE = re.compile(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$")
# AWX's ENV_BLOCKLIST (awx/main/constants.py), besides every ANSIBLE_* variable.
ENV_BLOCKLIST = {"VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
                 "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
                 "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
                 "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"}


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def credential_type(name="rke2_token"):
    return load(os.path.join(AWX_DIR, "credential_types", name + ".yml"))


def job_template(name):
    """The file awx/job_templates/<name>.yml: {'job_template': awx.awx.job_template parameters, 'credentials': roles}."""
    return load(os.path.join(AWX_DIR, "job_templates", name + ".yml"))


def job_template_names():
    return sorted(f[:-4] for f in os.listdir(os.path.join(AWX_DIR, "job_templates")) if f.endswith(".yml"))


def schedule(name):
    """The file awx/schedules/<name>.yml: {'schedule': awx.awx.schedule parameters}."""
    return load(os.path.join(AWX_DIR, "schedules", name + ".yml"))


def schedule_names():
    return sorted(f[:-4] for f in os.listdir(os.path.join(AWX_DIR, "schedules")) if f.endswith(".yml"))


def rrule_errors(rrule):
    """AWX's SchedulePreviewSerializer.validate_rrule (awx/api/serializers.py): the errors the API would answer."""
    from dateutil.rrule import rrulestr

    errors = []
    dtstarts = re.findall(r".*?(DTSTART(;[^:]+)?\:[0-9]+T[0-9]+Z?)", rrule)
    if not dtstarts:
        errors.append("Valid DTSTART required in rrule. Value should start with: DTSTART:YYYYMMDDTHHMMSSZ")
    if re.findall(r".*?(DTSTART:[0-9]+T[0-9]+) ", rrule):
        errors.append("DTSTART cannot be a naive datetime.  Specify ;TZINFO= or YYYYMMDDTHHMMSSZZ.")
    if len(dtstarts) > 1:
        errors.append("Multiple DTSTART is not supported.")
    if "rrule:" not in rrule.lower():
        errors.append("One or more rule required in rrule.")
    for word in ("EXDATE", "RDATE"):
        if word.lower() + ":" in rrule.lower():
            errors.append("%s not allowed in rrule." % word)
    for rule in re.findall(r".*?(RULE\:[^\s]*)", rrule):
        if "interval" not in rule.lower():
            errors.append("INTERVAL required in rrule: %s" % rule)
        elif "secondly" in rule.lower():
            errors.append("SECONDLY is not supported: %s" % rule)
        if re.match(r".*?BYDAY[\:\=][0-9]+[a-zA-Z]{2}", rule):
            errors.append("BYDAY with numeric prefix not supported: %s" % rule)
        if "COUNT" in rule and "UNTIL" in rule:
            errors.append("RRULE may not contain both COUNT and UNTIL: %s" % rule)
        count = re.match(r".*?(COUNT\=[0-9]+)", rule)
        if count and int(count.group(1).split("=")[1]) > 999:
            errors.append("COUNT > 999 is unsupported: %s" % rule)
    try:
        rrulestr(rrule, forceset=True)
    except (ValueError, TypeError) as exc:
        errors.append("rrule parsing failed validation: %s" % exc)
    return errors


def survey_spec_errors(spec):
    """AWX's JobTemplateSurveySpec._validate_spec_data: the errors the API would answer 400 with, all of them."""
    errors = []
    for field, kind in (("name", str), ("description", str), ("spec", list)):
        if field not in spec:
            errors.append("field '%s' is missing from survey spec" % field)
        elif not isinstance(spec[field], kind):
            errors.append("expected %s for field '%s', got %s" % (kind.__name__, field, type(spec[field]).__name__))
    if errors:
        return errors
    if not spec["spec"]:
        return ["'spec' doesn't contain any items"]
    seen = set()
    for idx, q in enumerate(spec["spec"]):
        where = "survey question %d (%s)" % (idx, q.get("variable") if isinstance(q, dict) else q)
        if not isinstance(q, dict):
            errors.append("%s is not a mapping" % where)
            continue
        missing = [k for k in ("type", "question_name", "variable", "required") if k not in q]
        if missing:
            errors.append("%s: %s missing" % (where, ", ".join(missing)))
            continue
        errors += ["%s: unknown key '%s'" % (where, k) for k in sorted(set(q) - SURVEY_QUESTION_KEYS)]
        errors += ["%s: '%s' must be a string" % (where, k) for k in ("type", "question_name", "variable")
                   if not isinstance(q[k], str)]
        if not isinstance(q["required"], bool):
            errors.append("%s: 'required' must be a boolean" % where)
        if q["variable"] in seen:
            errors.append("%s: variable '%s' duplicated" % (where, q["variable"]))
        seen.add(q["variable"])
        if not NAME.match(str(q["variable"])):
            errors.append("%s: '%s' is not a variable name" % (where, q["variable"]))
        qtype = q["type"]
        if qtype not in SURVEY_TYPES:
            errors.append("%s: type '%s' is not one of %s" % (where, qtype, ", ".join(SURVEY_TYPES)))
            continue
        if q.get("default", "") != "" and not _is(q["default"], SURVEY_TYPES[qtype]) and qtype != "multiselect":
            errors.append("%s: default %r is not a %s" % (where, q["default"], qtype))
        errors += ["%s: '%s' must be an integer" % (where, k) for k in ("min", "max")
                   if q.get(k) is not None and not _is(q[k], int)]
        if qtype in ("multiplechoice", "multiselect"):
            choices = q.get("choices")
            if not choices:
                errors.append("%s: type %s must have choices" % (where, qtype))
                continue
            choices = choices.splitlines() if isinstance(choices, str) else choices
            if not all(isinstance(c, str) for c in choices):
                errors.append("%s: choices must be strings" % where)
            if "default" in q:
                defaults = q["default"].splitlines() if isinstance(q["default"], str) else q["default"]
                if qtype == "multiplechoice" and len(defaults) > 1:
                    errors.append("%s: multiple choice can only have one default" % where)
                if any(d not in choices for d in defaults):
                    errors.append("%s: default %r is not among the choices" % (where, q["default"]))
        elif "choices" in q:
            errors.append("%s: choices given for type %s" % (where, qtype))
        if isinstance(q.get("default"), str) and q["default"].startswith("$encrypted$"):
            errors.append("%s: $encrypted$ is reserved" % where)
    return errors


def _is(value, kind):
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def credential_type_errors(ctype):
    """AWX's CredentialTypeInputField and CredentialTypeInjectorField: schema, then every injector template rendered
    with StrictUndefined over the declared inputs."""
    errors = []
    inputs, injectors = ctype.get("inputs", {}), ctype.get("injectors", {})
    errors += ["inputs: unknown key '%s'" % k for k in sorted(set(inputs) - {"fields", "required"})]
    ids = []
    for idx, field in enumerate(inputs.get("fields", [])):
        where = "inputs.fields[%d] (%s)" % (idx, field.get("id"))
        errors += ["%s: unknown key '%s'" % (where, k) for k in sorted(set(field) - INPUT_FIELD_KEYS)]
        errors += ["%s: '%s' missing" % (where, k) for k in ("id", "label") if k not in field]
        if not NAME.match(str(field.get("id", ""))):
            errors.append("%s: '%s' is an invalid variable name" % (where, field.get("id")))
        if field.get("id") == "tower" or field.get("id") in ids:
            errors.append("%s: id reserved or not unique" % where)
        ids.append(field.get("id"))
        ftype = field.get("type", "string")
        if ftype not in ("string", "boolean"):
            errors.append("%s: type '%s' is not string or boolean" % (where, ftype))
        errors += ["%s: '%s' must be a boolean" % (where, k) for k in ("secret", "multiline", "ask_at_runtime")
                   if k in field and not isinstance(field[k], bool)]
        errors += ["%s: '%s' not allowed for a boolean" % (where, k)
                   for k in ("choices", "multiline", "format", "secret") if k in field and ftype != "string"]
    errors += ["inputs.required: '%s' is not a field" % r for r in inputs.get("required", []) if r not in ids]
    errors += ["injectors: unknown key '%s'" % k for k in sorted(set(injectors) - {"file", "env", "extra_vars"})]
    for kind, entries in injectors.items():
        for key, tmpl in (entries or {}).items():
            where = "injectors.%s.%s" % (kind, key)
            if not (FILE_TEMPLATE if kind == "file" else NAME).match(key):
                errors.append("%s: invalid name" % where)
            if kind == "env" and (key.startswith("ANSIBLE_") or key in ENV_BLOCKLIST):
                errors.append("%s: environment variable not allowed in credentials" % where)
            if not isinstance(tmpl, str):
                errors.append("%s: must be a string template" % where)
                continue
            try:
                ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(tmpl).render(
                    {i: "EXAMPLE" for i in ids})
            except (UndefinedError, SecurityError, TemplateSyntaxError) as exc:
                errors.append("%s: %s" % (where, exc))
    return errors


def survey_answers(spec, answers):
    """Extra vars from a survey as AWX computes them at launch: defaults, then answers, each checked."""
    questions = {q["variable"]: q for q in spec["spec"]}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValueError("not in the survey: %s" % ", ".join(unknown))
    result = {}
    for var, q in questions.items():
        if var in answers:
            value = answers[var]
        elif q.get("default") not in (None, ""):
            value = q["default"]
        elif q["required"]:
            raise ValueError("survey question '%s' (%s) is required" % (q["question_name"], var))
        else:
            continue
        if q["type"] in ("integer", "float"):
            value = SURVEY_TYPES[q["type"]](value)
            if q.get("min") is not None and value < q["min"] or q.get("max") is not None and value > q["max"]:
                raise ValueError("%s=%s is outside %s..%s" % (var, value, q.get("min"), q.get("max")))
        elif q["type"] == "multiplechoice" and value not in q["choices"]:
            raise ValueError("%s=%r is not one of %s" % (var, value, q["choices"]))
        elif q["type"] in ("text", "textarea", "password") and (
                q.get("min") is not None and len(value) < q["min"] or q.get("max") is not None and len(value) > q["max"]):
            raise ValueError("%s: length outside %s..%s" % (var, q.get("min"), q.get("max")))
        result[var] = value
    return result


def render_injectors(ctype, inputs, write_file=None):
    """CredentialType.inject_credential for a custom type: (extra_vars, env) from the credential's inputs. File
    injectors are written first through write_file(text) -> path, their paths offered as tower.filename."""
    namespace = {}
    for field in ctype["inputs"].get("fields", []):
        if field["id"] in inputs:
            namespace[field["id"]] = inputs[field["id"]]
        elif field.get("type") == "boolean":
            namespace[field["id"]] = field.get("default", False)
    missing = [r for r in ctype["inputs"].get("required", []) if not inputs.get(r)]
    if missing:
        raise ValueError("credential %s: required input missing: %s" % (ctype["name"], ", ".join(missing)))
    env = ImmutableSandboxedEnvironment()
    injectors = ctype.get("injectors", {})
    paths = {k: write_file(env.from_string(v).render(**namespace)) for k, v in injectors.get("file", {}).items()}
    if paths:
        namespace["tower"] = {"filename": paths["template"] if "template" in paths
                              else {k.split(".", 1)[1]: v for k, v in paths.items()}}
    extra = {k: env.from_string(v).render(**namespace) for k, v in injectors.get("extra_vars", {}).items()}
    envvars = {k: env.from_string(v).render(**namespace) for k, v in injectors.get("env", {}).items()}
    return extra, envvars


class _Unsafe(str):
    """A value AWX dumps as !unsafe (awx.main.utils.safe_yaml), so that Jinja in a secret is never templated."""


yaml.SafeDumper.add_representer(_Unsafe, lambda dumper, data: dumper.represent_scalar("!unsafe", str(data)))


def _private_file(pdd, text):
    """A credential file as AWX writes it: in env/ of the private data directory, mode 0400."""
    fd, path = tempfile.mkstemp(dir=os.path.join(pdd, "env"), prefix="credential_")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, stat.S_IRUSR)
    return path


def _project_copy(dest):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if not os.path.lexists(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), os.path.join(dest, rel))
        else:
            shutil.copy2(src, os.path.join(dest, rel))


def private_data_dir(pdd, template, inventory, answers=None, credentials=None, limit=None, tags=None,
                     skip_tags=None, check=False, diff=False, verbosity=0, job_id=1):
    """Lay out pdd as AWX does for a job of the template `template` (a name in awx/job_templates).

    inventory: an inventory path (exported with ansible-inventory --list into inventory/hosts, as AWX's inventory
    sync stores it); credentials: {credential type file name: inputs}. Returns the runner's keyword arguments."""
    jt = job_template(template)["job_template"]
    os.makedirs(os.path.join(pdd, "env"))
    os.makedirs(os.path.join(pdd, "inventory"))
    _project_copy(os.path.join(pdd, "project"))
    exported = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", os.path.abspath(inventory), "--list",
                               "--export"], cwd=ROOT, capture_output=True, text=True, check=True,
                              env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))).stdout
    script = os.path.join(pdd, "inventory", "hosts")
    with open(script, "w") as f:
        f.write("#!%s\nimport sys\nsys.stdout.write(%r)\n" % (sys.executable, exported))
    os.chmod(script, 0o700)

    extravars = dict(jt.get("extra_vars") or {})
    if jt.get("survey_enabled"):
        extravars.update(survey_answers(jt["survey_spec"], answers or {}))
    elif answers:
        raise ValueError("%s has no survey" % template)
    extravars.update({"awx_job_id": job_id, "awx_job_template_name": jt["name"], "awx_job_launch_type": "manual",
                      "tower_job_id": job_id, "tower_job_template_name": jt["name"]})
    cmdline = []
    envvars = {"JOB_ID": str(job_id), "INVENTORY_ID": "1", "PROJECT_REVISION": "checkout", "MAX_EVENT_RES": "700000",
               "ANSIBLE_RETRY_FILES_ENABLED": "False", "AWX_HOST": "https://awx.invalid",
               "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([os.path.join(pdd, "requirements_collections"),
                                                            os.path.join(pdd, "project", ".collections")]),
               "ANSIBLE_FORCE_COLOR": "0", "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    for name, inputs in (credentials or {}).items():
        extra, env = render_injectors(credential_type(name), inputs, lambda text: _private_file(pdd, text))
        envvars.update(env)
        if extra:
            cmdline += ["-e", "@" + _private_file(pdd, yaml.safe_dump({k: _Unsafe(v) for k, v in extra.items()}))]
    if limit:
        cmdline += ["--limit", limit]
    if tags or jt.get("job_tags"):
        cmdline += ["--tags", tags or jt["job_tags"]]
    if skip_tags:
        cmdline += ["--skip-tags", skip_tags]
    if check or jt.get("job_type") == "check":
        cmdline.append("--check")
    if diff or jt.get("diff_mode"):
        cmdline.append("--diff")
    if verbosity:
        cmdline.append("-" + "v" * verbosity)
    with open(os.path.join(pdd, "env", "extravars"), "w") as f:
        json.dump(extravars, f)
    with open(os.path.join(pdd, "env", "envvars"), "w") as f:
        json.dump(envvars, f)
    with open(os.path.join(pdd, "env", "settings"), "w") as f:
        json.dump({"job_timeout": 0, "suppress_ansible_output": True}, f)
    with open(os.path.join(pdd, "env", "cmdline"), "w") as f:
        f.write(" ".join(cmdline))
    return {"private_data_dir": pdd, "playbook": jt["playbook"], "ident": str(job_id),
            "quiet": True}


def credential_files(pdd):
    return [os.path.join(pdd, "env", f) for f in os.listdir(os.path.join(pdd, "env")) if f.startswith("credential_")]


def cleanup(pdd):
    """What AWX does after the job for the secrets: the credential files go (AWX removes the whole directory)."""
    for path in credential_files(pdd):
        os.unlink(path)


def run(pdd, template, inventory, **kwargs):
    import ansible_runner  # pylint: disable=import-outside-toplevel
    params = private_data_dir(pdd, template, inventory, **kwargs)
    return ansible_runner.run(**params)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("template", choices=job_template_names())
    parser.add_argument("-i", "--inventory", required=True)
    parser.add_argument("-a", "--answer", action="append", default=[], help="survey answer VAR=VALUE")
    parser.add_argument("--credential", action="append", default=[],
                        help="TYPE:INPUT=env:VARIABLE (the input read from that environment variable)")
    parser.add_argument("--limit")
    parser.add_argument("--tags")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--diff", action="store_true")
    parser.add_argument("--dir", help="private data directory (default: a new one under /tmp, kept)")
    args = parser.parse_args(argv)
    credentials = {}
    for spec in args.credential:
        ctype, rest = spec.split(":", 1)
        key, source = rest.split("=", 1)
        credentials.setdefault(ctype, {})[key] = os.environ[source[4:]] if source.startswith("env:") else source
    pdd = args.dir or tempfile.mkdtemp(prefix="awx-job-")
    result = run(pdd, args.template, args.inventory, answers=dict(a.split("=", 1) for a in args.answer),
                 credentials=credentials, limit=args.limit, tags=args.tags, check=args.check, diff=args.diff)
    cleanup(pdd)
    print(open(os.path.join(pdd, "artifacts", "1", "stdout")).read())
    print("status %s rc %s, artifacts in %s" % (result.status, result.rc, os.path.join(pdd, "artifacts", "1")))
    return result.rc


if __name__ == "__main__":
    sys.exit(main())
