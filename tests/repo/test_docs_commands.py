# -*- coding: utf-8 -*-
"""issue 25: every ansible-playbook command in README.md, docs/ and the roles' READMEs runs as written.

Each names its inventory with -i (the checkout's ansible.cfg has no default inventory, so a command without -i
reaches no host; it once defaulted to the lab's, and a command followed on a real cluster applied the lab's
model); awx/configure.yml, which runs on localhost against the AWX API, is the one exception. Each is then parsed
by ansible-playbook --syntax-check as written, with a placeholder inventory (inventories/prod, inventories/yours,
inventories/<yours>) replaced by inventories/example: nothing connects to a host.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
DOCS = ["README.md"] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + sorted(
    glob.glob(os.path.join(ROOT, "roles", "*", "README.md")))


def commands():
    found = []
    for path in DOCS:
        with open(os.path.join(ROOT, path)) as f:
            text = f.read()
        # a command in backticks, or a line of a shell block (continuations joined)
        text = re.sub(r"\\\n\s*", " ", text)
        for match in re.finditer(r"(?:^|`|\$ )((?:\.venv/bin/)?ansible-playbook [^`\n]*)", text, re.M):
            found.append((os.path.relpath(os.path.join(ROOT, path), ROOT), match.group(1).strip()))
    return found


COMMANDS = commands()


def test_commands_were_found():
    assert len(COMMANDS) >= 8, COMMANDS


@pytest.mark.parametrize("where, command", COMMANDS, ids=[f"{w}:{c[:50]}" for w, c in COMMANDS])
def test_command_names_its_inventory_and_parses(where, command):
    words = shlex.split(command.replace("…", ""))
    if "awx/configure.yml" in words:
        return
    assert "-i" in words, f"{where}: `{command}` names no inventory (-i): it would run against the lab's"
    i = words.index("-i")
    if not os.path.exists(os.path.join(ROOT, words[i + 1])):
        words[i + 1] = "inventories/example"
    words[0] = os.path.join(BIN, "ansible-playbook")
    # flags with arguments that a syntax check does not need stay; --ask-vault-pass would prompt
    words = [w for w in words if w not in ("--ask-vault-pass", "--check", "--diff")]
    # extra-vars files made at run time (the lab's generated secrets under /run): an empty stand-in
    stand_in = os.path.join(ROOT, "tests", "repo", "empty-vars.yml")
    words = ["@" + stand_in if w.startswith("@/run/") and not os.path.exists(w[1:]) else w for w in words]
    proc = subprocess.run(words + ["--syntax-check"], cwd=ROOT, capture_output=True, text=True, check=False,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg")))
    assert proc.returncode == 0, f"{where}: `{command}`: {proc.stdout[-1500:]} {proc.stderr[-1500:]}"


def test_ansible_cfg_has_no_default_inventory():
    """A default inventory applies one model to whatever cluster a kubeconfig reaches: every run names its own."""
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "ansible.cfg"))
    assert not cfg.has_option("defaults", "inventory"), "ansible.cfg must not set [defaults] inventory"
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "--list-hosts", "site.yml"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "hosts (0)" in proc.stdout, proc.stdout


def test_the_reference_lab_picture_is_the_example_inventorys_plan():
    """docs/reference-lab-topology.svg is playbooks/plan.yml's picture of inventories/example, titled."""
    import html  # pylint: disable=import-outside-toplevel
    with open(os.path.join(ROOT, "docs", "reference-lab-topology.svg")) as f:
        svg = html.unescape(f.read())
    assert "multihomed.rke2 plan: example" in svg
    for text in ("multi-homed-wrk-3", "172.16.40.51/24", "NAD multus-network-attachments/macvlan-longhorn-dhcp"):
        assert text in svg, text
