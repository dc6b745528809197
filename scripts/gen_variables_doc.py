"""Generate docs/variables.md from every role's meta/argument_specs.yml and docs/playbook-variables.yml.

  python3 scripts/gen_variables_doc.py          print the document
  python3 scripts/gen_variables_doc.py --write  write docs/variables.md
tests/repo/test_consistency.py fails when docs/variables.md is not what this prints.
"""
import glob
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Ansible's documentation markup (the argument specs use it for ansible-doc) as Markdown: C(code), O(option),
# V(value), I(italic), B(bold), U(url), L(text,url).
MARKUP = [(re.compile(r"\b[COV]\(([^()]*)\)"), r"`\1`"), (re.compile(r"\bI\(([^()]*)\)"), r"*\1*"),
          (re.compile(r"\bB\(([^()]*)\)"), r"**\1**"), (re.compile(r"\bU\(([^()]*)\)"), r"<\1>"),
          (re.compile(r"\bL\(([^(),]*),\s*([^()]*)\)"), r"[\1](\2)")]


def markdown(text):
    for pattern, repl in MARKUP:
        text = pattern.sub(repl, text)
    return text


def cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return markdown(str(value)).replace("|", "\\|").replace("\n", " ").strip()


def default_text(spec):
    if "default" not in spec:
        return ""
    value = spec["default"]
    text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    if text.endswith("\n..."):
        text = text[:-4].strip()
    if text.endswith("..."):
        text = text[:-3].strip()
    return "`%s`" % text.replace("|", "\\|") if text != "''" else "`\"\"`"


def options_rows(options, prefix=""):
    rows = []
    for name in sorted(options):
        spec = options[name] or {}
        kind = spec.get("type", "str")
        if kind == "list" and spec.get("elements"):
            kind = "list of %s" % spec["elements"]
        req = "yes" if spec.get("required") else ""
        choices = " Choices: %s." % ", ".join("`%s`" % c for c in spec["choices"]) if spec.get("choices") else ""
        row = (prefix + name, kind, req, default_text(spec), cell(spec.get("description")), choices)
        rows.append("| `%s` | %s | %s | %s | %s%s |" % row)
        if spec.get("options"):
            rows.extend(options_rows(spec["options"], prefix="%s%s." % (prefix, name)))
    return rows


def render():
    out = ["# Role variables", "",
           "Generated from each role's `meta/argument_specs.yml` by `scripts/gen_variables_doc.py --write`;",
           "a test fails when this file and the specs differ. Ansible checks these specs when a role starts.", ""]
    for path in sorted(glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml"))):
        role = path.split(os.sep)[-3]
        with open(path) as f:
            specs = (yaml.safe_load(f) or {}).get("argument_specs", {})
        for entry in sorted(specs):
            spec = specs[entry] or {}
            title = "multihomed.rke2.%s" % role + ("" if entry == "main" else " (entry point `%s`)" % entry)
            out += ["## %s" % title, ""]
            if spec.get("short_description"):
                out += [cell(spec["short_description"]), ""]
            desc = spec.get("description")
            if desc:
                out += [markdown(" ".join(desc) if isinstance(desc, list) else str(desc)).strip(), ""]
            out += ["| variable | type | required | default | description |", "| --- | --- | --- | --- | --- |"]
            out += options_rows(spec.get("options") or {})
            out.append("")
    with open(os.path.join(ROOT, "docs", "playbook-variables.yml")) as f:
        playbooks = yaml.safe_load(f)["playbooks"]
    out += ["# Playbook variables", "",
            "Read by the playbooks themselves (extra vars, or the inventory's `group_vars/all`), from",
            "`docs/playbook-variables.yml`. The network model's variables are in [model.md](model.md).", ""]
    for name, spec in playbooks.items():
        out += ["## %s" % ("every API playbook" if name == "all" else "`%s`" % name), "",
                cell(spec.get("short_description")), "",
                "| variable | type | required | default | description |", "| --- | --- | --- | --- | --- |"]
        out += options_rows(spec.get("options") or {})
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    text = render()
    if "--write" in sys.argv:
        with open(os.path.join(ROOT, "docs", "variables.md"), "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
