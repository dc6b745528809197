# -*- coding: utf-8 -*-
"""issue 26: the public API is what docs/api.md says it is.

ansible-doc lists exactly the public filters and the filters docs/api.md names as internal to the roles (a new
filter must be classified there); every public filter's and lookup's EXAMPLES run, as written, against
inventories/example (tasks that need a cluster API are left out; nothing connects to a host: the play runs with the
local connection).
"""
import json
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
PUBLIC_FILTERS = ["validate_model", "node_ip", "nad_manifests", "network_selection", "plan_text", "topology_dot"]
PUBLIC_LOOKUPS = ["inventory_syntax"]
# Modules the EXAMPLES may use without a cluster or a host.
LOCAL = {"ansible.builtin.set_fact", "ansible.builtin.debug", "ansible.builtin.copy", "ansible.builtin.assert"}


def _api_doc():
    with open(os.path.join(ROOT, "docs", "api.md")) as f:
        return f.read()


def _section(text, title):
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start:end if end != -1 else len(text)]


def _listed(kind):
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "-t", kind, "-l", "multihomed.rke2"], cwd=ROOT,
                          capture_output=True, text=True, check=True,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg")))
    return sorted(line.split()[0].split(".")[-1] for line in proc.stdout.splitlines() if line.strip())


def test_every_filter_is_public_or_named_internal_in_docs_api():
    text = _api_doc()
    public, internal = _section(text, "## Filters"), _section(text, "## Internal")
    listed = _listed("filter")
    for name in listed:
        where = [s for s, sec in (("public", public), ("internal", internal)) if f"`{name}`" in sec]
        assert len(where) == 1, f"filter {name}: in docs/api.md's {where or 'no'} section(s), needs exactly one"
    assert sorted(n for n in listed if f"`{n}`" in public) == sorted(PUBLIC_FILTERS)
    assert _listed("lookup") == sorted(PUBLIC_LOOKUPS)


def _examples(kind, name):
    with open(os.path.join(ROOT, "plugins", kind, f"{name}.py")) as f:
        source = f.read()
    return yaml.safe_load(re.search(r'EXAMPLES = r"""(.*?)"""', source, re.S).group(1))


def test_public_examples_run_as_written(tmp_path):
    tasks = []
    for kind, names in (("filter", ["validate_model"] + [n for n in PUBLIC_FILTERS if n != "validate_model"]),
                        ("lookup", PUBLIC_LOOKUPS)):
        for name in names:
            for task in _examples(kind, name):
                module = next(k for k in task if "." in k)
                if module not in LOCAL:
                    continue  # needs a cluster API (network_attachment): run by the k8s tests
                if module == "ansible.builtin.copy" and str(task[module]["dest"]).startswith("/tmp/"):
                    task[module]["dest"] = str(tmp_path / os.path.basename(task[module]["dest"]))
                task["name"] = f"{name}: {task['name']}"
                tasks.append(task)
    play = [{"name": "The public plugins' EXAMPLES on inventories/example", "hosts": "rke2_cluster",
             "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": sys.executable}, "tasks": tasks}]
    (tmp_path / "examples.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "example"),
                           str(tmp_path / "examples.yml")], cwd=tmp_path, capture_output=True, text=True, check=False,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                                   ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    out = json.loads(proc.stdout[proc.stdout.index("{"):])
    ran = {t["task"]["name"].split(":")[0] for p in out["plays"] for t in p["tasks"]}
    assert ran == set(PUBLIC_FILTERS + PUBLIC_LOOKUPS), ran
    assert "graph topology" in (tmp_path / "topology.dot").read_text()
    nads = yaml.safe_load((tmp_path / "nads.yml").read_text())
    assert sorted(n["metadata"]["name"] for n in nads) == ["macvlan-longhorn-dhcp", "macvlan-private-dhcp"]


def test_version_added_is_a_release_the_collection_has():
    """Nothing has been released: every plugin and option is new in the first release, galaxy.yml's version."""
    import glob  # pylint: disable=import-outside-toplevel
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        version = yaml.safe_load(f)["version"]
    with open(os.path.join(ROOT, "changelogs", "changelog.yaml")) as f:
        released = sorted((yaml.safe_load(f) or {}).get("releases") or {})
    allowed = set(released) | {version}
    for path in glob.glob(os.path.join(ROOT, "plugins", "*", "*.py")):
        with open(path) as f:
            for found in re.findall(r"version_added:\s*['\"]?([0-9.]+)", f.read()):
                assert found in allowed, f"{os.path.relpath(path, ROOT)}: version_added {found} (releases: {allowed})"
