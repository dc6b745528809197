# -*- coding: utf-8 -*-
"""The repository keeps its promises: docs in step with specs, defaults with argument specs, a collection that
builds and installs offline, inventories that validate, an execution environment that ansible-builder accepts."""
import glob
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import gen_variables_doc  # noqa: E402

ROLES = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(ROOT, "roles", "*", "tasks")))
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
           PATH=BIN + os.pathsep + os.environ.get("PATH", ""))


def run(*args, cwd=ROOT, env=None):
    return subprocess.run(list(args), cwd=cwd, env=env or ENV, capture_output=True, text=True, check=False)


def test_variables_doc_in_step_with_argument_specs():
    with open(os.path.join(ROOT, "docs", "variables.md")) as f:
        assert f.read() == gen_variables_doc.render(), "run scripts/gen_variables_doc.py --write"


@pytest.mark.parametrize("role", ROLES)
def test_defaults_match_argument_specs(role):
    """The one defaults/argument-spec check, for every role: every default documented with the same value, every
    option described and typed, public variables role-prefixed (options without a default are inputs shared by
    several roles, such as multihomed_networks)."""
    path = os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")
    assert os.path.exists(path), "%s: meta/argument_specs.yml is missing" % role
    with open(path) as f:
        spec = yaml.safe_load(f)["argument_specs"]["main"]["options"]
    path = os.path.join(ROOT, "roles", role, "defaults", "main.yml")
    defaults = {}
    if os.path.exists(path):
        with open(path) as f:
            defaults = yaml.safe_load(f) or {}
    assert sorted(defaults) == sorted(k for k in spec if "default" in spec[k] or k in defaults), role
    for key, value in defaults.items():
        assert spec[key].get("default") == value, "%s: default of %s differs between defaults/ and argument_specs" % (role, key)
    undocumented = [k for k in spec if not spec[k].get("description") or not spec[k].get("type")]
    assert not undocumented, "%s: options without a description or a type: %s" % (role, undocumented)
    private = [k for k in defaults if not k.startswith(role + "_")]
    assert not private, "%s: public variables must carry the role prefix: %s" % (role, private)


def test_collection_builds_and_installs_offline(tmp_path):
    res = run(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), ".")
    assert res.returncode == 0, res.stderr
    tarball = glob.glob(str(tmp_path / "multihomed-rke2-*.tar.gz"))
    assert len(tarball) == 1
    names = run("tar", "tzf", tarball[0]).stdout.split()
    assert "plugins/module_utils/model.py" in names
    assert not [n for n in names if n.startswith((".venv", ".collections", "tests/output"))]
    dest = tmp_path / "installed"
    empty_cfg = tmp_path / "ansible.cfg"
    empty_cfg.write_text("[defaults]\n")
    env = dict(ENV, ANSIBLE_CONFIG=str(empty_cfg))
    res = run(os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--no-deps", "--force", "-p", str(dest), tarball[0],
              env=env)
    assert res.returncode == 0, res.stderr
    env["ANSIBLE_COLLECTIONS_PATH"] = str(dest)
    listing = run(os.path.join(BIN, "ansible-doc"), "-t", "filter", "-l", "multihomed.rke2", env=env)
    assert listing.returncode == 0, listing.stderr
    for name in ("nad_manifests", "network_selection", "node_ip", "validate_model", "plan_text", "topology_dot"):
        assert "multihomed.rke2.%s" % name in listing.stdout
    modules = run(os.path.join(BIN, "ansible-doc"), "-l", "multihomed.rke2", env=env)
    assert "multihomed.rke2.network_attachment" in modules.stdout, modules.stdout + modules.stderr
    doc = run(os.path.join(BIN, "ansible-doc"), "-t", "filter", "multihomed.rke2.nad_manifests", env=env)
    assert doc.returncode == 0 and "whereabouts" in doc.stdout
    syntax = run(os.path.join(BIN, "ansible-playbook"), "--syntax-check", "-i", os.path.join(ROOT, "inventories", "example"),
                 "multihomed.rke2.site", env=env, cwd=str(tmp_path))
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr


@pytest.mark.parametrize("inventory", ["example", "lab", "example-dualstack"])
def test_inventory_syntax_and_model(inventory):
    inv = os.path.join(ROOT, "inventories", inventory)
    res = run(os.path.join(BIN, "ansible-playbook"), "--syntax-check", "-i", inv, "site.yml")
    assert res.returncode == 0, res.stdout + res.stderr
    res = run(os.path.join(BIN, "ansible-playbook"), "-i", inv, "playbooks/preflight.yml")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "failed=0" in res.stdout


def test_preflight_names_the_culprit(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("multihomed_addresses:\n  cluster: 172.16.41.9\n")
    res = run(os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "example"),
              "-e", "@%s" % bad, "playbooks/preflight.yml")
    assert res.returncode != 0
    assert "network 'cluster', host 'multi-homed-cpl-1': multihomed_addresses 172.16.41.9 is outside cidr 172.16.40.0/24" \
        in res.stdout


def test_preflight_fails_each_wrong_host_with_its_own_problems_once(tmp_path):
    """issue 25: the validation step fails with its own message (no templating "caused by" blocks), on the host the
    problem names, and a network problem does not hide a host problem."""
    import shutil  # pylint: disable=import-outside-toplevel
    inv = tmp_path / "inv"
    shutil.copytree(os.path.join(ROOT, "inventories", "example"), inv)
    wrk3 = inv / "host_vars" / "multi-homed-wrk-3.yml"
    wrk3.write_text(wrk3.read_text().replace("cluster: 172.16.40.51", "cluster: 172.16.41.51"))
    nets = inv / "group_vars" / "all" / "networks.yml"
    nets.write_text(nets.read_text().replace("addressing: dhcp", "addressing: dhcpd", 1))
    res = run(os.path.join(BIN, "ansible-playbook"), "-i", str(inv), "playbooks/preflight.yml")
    assert res.returncode != 0
    out = res.stdout
    assert "caused by" not in out and "Finalization" not in out, out[-3000:]
    fatal = [line for line in out.splitlines() if line.startswith("fatal: [")]
    assert sorted(line.split("]")[0] for line in fatal) == ["fatal: [multi-homed-cpl-1", "fatal: [multi-homed-wrk-3"]
    assert "network 'cluster', host 'multi-homed-wrk-3': multihomed_addresses 172.16.41.51 is outside cidr " \
        "172.16.40.0/24" in out
    assert "network 'storage': addressing 'dhcpd' is not one of static, dhcp, mixed; did you mean 'dhcp'?" in out


@pytest.mark.parametrize("extra, expected", [
    # a host with the model's variables in none of the networks' groups was left out of every plan without a word
    ("extra:\n  hosts:\n    stray-1: {multihomed_addresses: {cluster: 172.16.40.99}}\n",
     "host 'stray-1': multihomed_addresses set, but the host is in none of the networks' groups (rke2_agents, "
     "rke2_servers): add it to one, or remove the variable"),
    # a host in rke2_cluster (the playbooks' hosts) but neither in rke2_servers nor rke2_agents
    ("rke2_cluster:\n  hosts:\n    lost-1: {}\n",
     "host 'lost-1': in the group rke2_cluster, but in none of the networks' groups (rke2_agents, rke2_servers): "
     "add it to rke2_servers or rke2_agents"),
], ids=["model-variables-no-network-group", "rke2_cluster-no-network-group"])
def test_a_host_the_plan_would_leave_out_is_named(tmp_path, extra, expected):
    """issue 25: every inventory host with multihomed_* variables (or in rke2_cluster) is planned or named."""
    import shutil  # pylint: disable=import-outside-toplevel
    inv = tmp_path / "inv"
    shutil.copytree(os.path.join(ROOT, "inventories", "example"), inv)
    (inv / "extra.yml").write_text(extra)
    res = run(os.path.join(BIN, "ansible-playbook"), "-i", str(inv), "playbooks/preflight.yml")
    assert res.returncode != 0
    assert expected in " ".join(res.stdout.split()), res.stdout[-3000:]


@pytest.mark.parametrize("name, text, where, what", [
    ("host_vars/multi-homed-cpl-1.yml", "multihomed_addresses:\n  cluster: 172.16.40.46\n   storage: x\n",
     "host_vars/multi-homed-cpl-1.yml:3:11", "mapping values are not allowed here"),
    ("group_vars/rke2_cluster/broken.yml", "rke2_version: v1.31.5+rke2r1\nrke2_cni_primary: {canal\n",
     "group_vars/rke2_cluster/broken.yml:3:1", "expected ',' or '}'"),
    ("host_vars/multi-homed-wrk-1.yml", "multihomed_addresses:\n\tcluster: 172.16.40.51\n",
     "host_vars/multi-homed-wrk-1.yml:2:1", "found character '\\t' that cannot start any token"),
])
def test_a_yaml_error_in_the_inventory_names_file_and_line(tmp_path, name, text, where, what):
    """issue 25: ansible-core 2.19 and later say "YAML parsing failed" with no file; preflight names file and line
    (lookup inventory_syntax) before any play reads the host's variables."""
    import shutil  # pylint: disable=import-outside-toplevel
    inv = tmp_path / "inv"
    shutil.copytree(os.path.join(ROOT, "inventories", "example"), inv)
    (inv / name).write_text(text)
    res = run(os.path.join(BIN, "ansible-playbook"), "-i", str(inv), "playbooks/preflight.yml")
    assert res.returncode != 0
    out = res.stdout + res.stderr
    assert "%s/%s: YAML syntax:" % (inv, where) in out and what in out, out[-3000:]


def test_a_yaml_error_in_group_vars_all_is_named_by_the_documented_command(tmp_path):
    """group_vars/all is read for localhost too, before any task: docs/troubleshooting.md's command names it."""
    import shutil  # pylint: disable=import-outside-toplevel
    inv = tmp_path / "inv"
    shutil.copytree(os.path.join(ROOT, "inventories", "example"), inv)
    (inv / "group_vars" / "all" / "networks.yml").write_text("multihomed_networks:\n  cluster: {cidr: 172.16.40.0/24\n")
    res = run(os.path.join(BIN, "ansible"), "-i", "localhost,", "-c", "local", "localhost", "-m", "ansible.builtin.debug",
              "-a", "msg={{ lookup('multihomed.rke2.inventory_syntax', '%s', wantlist=True) }}" % inv)
    assert "%s/group_vars/all/networks.yml:3:1: YAML syntax:" % inv in " ".join(res.stdout.split()), res.stdout


# Set and read inside the playbooks only (facts, results, switches between their own plays): not user input.
PLAYBOOK_INTERNAL = {"multihomed_report", "multihomed_validation", "multihomed_plan_values", "multihomed_drift",
                     "multihomed_drift_host", "multihomed_drift_nic", "multihomed_drift_nads",
                     "multihomed_drift_longhorn", "multihomed_drift_checked_hosts", "multihomed_validate_from_site",
                     "multihomed_validate_results", "multihomed_validate_expected"}
MODEL = {"multihomed_networks", "multihomed_addresses", "multihomed_addresses6", "multihomed_interfaces"}


def test_every_playbook_variable_is_documented():
    """issue 25: docs/variables.md lists the playbooks' variables too (docs/playbook-variables.yml)."""
    with open(os.path.join(ROOT, "docs", "playbook-variables.yml")) as f:
        documented = {name for spec in yaml.safe_load(f)["playbooks"].values() for name in spec["options"]}
    text = ""
    paths = [os.path.join(ROOT, "site.yml")] + glob.glob(os.path.join(ROOT, "playbooks", "**", "*.yml"), recursive=True)
    for path in paths:
        with open(path) as f:
            text += f.read()
    used = set(re.findall(r"\b(multihomed_[a-z0-9_]*[a-z0-9])\b", text)) - PLAYBOOK_INTERNAL - MODEL
    assert sorted(used - documented) == [], "read by a playbook, not in docs/playbook-variables.yml"
    assert sorted(documented - used) == [], "in docs/playbook-variables.yml, read by no playbook"


def test_execution_environment_definition(tmp_path):
    builder = os.path.join(BIN, "ansible-builder")
    res = run(builder, "create", "-f", "execution-environment.yml", "-c", str(tmp_path / "context"))
    assert res.returncode == 0, res.stdout + res.stderr
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy" in containerfile
    reqs = (tmp_path / "context" / "_build" / "requirements.txt").read_text()
    assert "netaddr" in reqs and "kubernetes" in reqs
    galaxy = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text())
    names = [c["name"] for c in galaxy["collections"]]
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        declared = yaml.safe_load(f)["dependencies"]
    assert sorted(names) == sorted(declared), "ee/requirements.yml and galaxy.yml dependencies differ"


def test_declared_dependencies_are_used_at_runtime():
    """galaxy.yml declares exactly the collections that roles, playbooks and plugins call (FQCN)."""
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        declared = set(yaml.safe_load(f)["dependencies"])
    text = ""
    for top in ("roles", "playbooks", "plugins"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith((".yml", ".yaml", ".j2")):
                    with open(os.path.join(base, name)) as f:
                        text += f.read()
    # Every collection of the `ansible` package this collection could call, by FQCN prefix.
    known = ("kubernetes.core", "ansible.utils", "ansible.posix", "ansible.netcommon", "community.general",
             "community.docker", "containers.podman")
    used = {c for c in known if re.search(r"\b" + re.escape(c) + r"\.[a-z_0-9]+", text)}
    assert used == declared


def test_no_jinja_programs_in_roles_and_playbooks():
    """Python decides, Jinja carries: no Jinja statement ({% %}: loops, namespace() state, ifs) in the YAML of roles'
    tasks, vars, handlers and defaults, nor in playbooks. Templates may loop over prepared data to lay out a file."""
    offenders = []
    for top in ("roles", "playbooks"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, top)):
            rel_dir = os.path.relpath(base, ROOT)
            if top == "roles" and os.path.basename(rel_dir) not in ("tasks", "vars", "handlers", "defaults"):
                continue
            for name in files:
                if not name.endswith((".yml", ".yaml")):
                    continue
                with open(os.path.join(base, name)) as f:
                    for number, line in enumerate(f, 1):
                        if "{%" in line or "namespace(" in line:
                            offenders.append(f"{os.path.join(rel_dir, name)}:{number}: {line.strip()}")
    assert offenders == []


def test_module_utils_files_stay_small():
    """One concern per file, readable top to bottom: no file of plugins/module_utils over ~350 lines."""
    sizes = {}
    for name in os.listdir(os.path.join(ROOT, "plugins", "module_utils")):
        if name.endswith(".py"):
            with open(os.path.join(ROOT, "plugins", "module_utils", name)) as f:
                sizes[name] = len(f.readlines())
    assert {k: v for k, v in sizes.items() if v > 360} == {}
