# -*- coding: utf-8 -*-
"""The compat stage: the roles' local-host paths under the oldest and the newest ansible-core the collection claims
(meta/runtime.yml requires_ansible, docs/compatibility.md), each in its own venv from its own lock
(tests/compat/{oldest,newest}.txt, installed by `make setup` into .venv-compat/). No lab, no API server:

- the documentation of every filter and module loads (ansible-doc);
- plan.yml and preflight.yml on inventories/example (touch no host), and preflight naming a bad host;
- the filters as their EXAMPLES call them (filters.yml, values of the reference lab asserted);
- the rke2 role's preflight and config phase on three hosts reached with the local connection (RKE2 not installed,
  files in a tmp dir): config.yaml written with node-ip and token (mode 0600), a re-run changed=0, check mode with
  --diff changes nothing and masks the token.

Each run must print no Python warning and no Ansible deprecation. The other collections (kubernetes.core, ...) come
from the main venv's `ansible` package; they claim ansible-core 2.16 too.
"""
import glob
import os
import stat
import subprocess
import sys

import pytest
import yaml

from local_hosts import HOSTS, local_inventory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LANES = ("oldest", "newest")
NOISE = ("[WARNING]", "Warning:", "DeprecationWarning", "[DEPRECATION WARNING]")
TOKEN = "K10compat-token-never-shown"


def lane_bin(lane, tool):
    path = os.path.join(ROOT, ".venv-compat", lane, "bin", tool)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: `make setup` installs .venv-compat/{lane} from tests/compat/{lane}.txt "
                    "(the newest lane needs Python 3.13, from PATH or pyenv)")
    return path


def run(lane, tool, *args, check=True):
    main_site = glob.glob(os.path.join(os.path.dirname(os.path.dirname(sys.executable)), "lib", "python3*",
                                       "site-packages"))[0]
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0", NO_COLOR="1",
               ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([os.path.join(ROOT, ".collections"), main_site]))
    proc = subprocess.run([lane_bin(lane, tool), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    output = proc.stdout + proc.stderr
    if check:
        assert proc.returncode == 0, output[-5000:]
    noisy = [line for line in output.splitlines() if any(n in line for n in NOISE)]
    assert noisy == [], f"{lane}: {tool} printed warnings"
    return proc


@pytest.fixture(params=LANES)
def lane(request):
    return request.param


def test_lane_is_the_claimed_version(lane):
    """oldest is the floor of requires_ansible; newest is the lock's, at least the floor."""
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as f:
        floor = yaml.safe_load(f)["requires_ansible"].strip(">=")
    out = subprocess.run([lane_bin(lane, "python"), "-c", "import ansible.release as r; print(r.__version__)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(ROOT, "tests", "compat", f"{lane}.in")) as f:
        pinned = [line.split("==")[1].strip() for line in f if line.startswith("ansible-core==")]
    assert [out] == pinned
    if lane == "oldest":
        assert out == floor, "the oldest lane must run the floor meta/runtime.yml claims"


def test_every_plugin_documentation_loads(lane):
    for kind in ("filter", "module"):
        names = [n.split()[0] for n in run(lane, "ansible-doc", "-t", kind, "-l", "multihomed.rke2").stdout.splitlines()
                 if n.startswith("multihomed.rke2.")]
        assert len(names) >= (4 if kind == "module" else 10), names
        docs = run(lane, "ansible-doc", "-t", kind, "--json", *names).stdout
        assert sorted(yaml.safe_load(docs)) == sorted(names)


def test_plan_on_the_example_inventory(lane, tmp_path):
    proc = run(lane, "ansible-playbook", "-i", "inventories/example", "playbooks/plan.yml",
               "-e", f"multihomed_plan_dir={tmp_path}")
    assert "172.16.40.46" in proc.stdout and "macvlan-longhorn-dhcp" in proc.stdout
    assert (tmp_path / "topology.svg").exists() or (tmp_path / "topology.dot").exists()


def test_preflight_passes_and_names_a_bad_host(lane, tmp_path):
    run(lane, "ansible-playbook", "-i", "inventories/example", "playbooks/preflight.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("multihomed_addresses:\n  cluster: 172.16.41.9\n")
    proc = run(lane, "ansible-playbook", "-i", "inventories/example", "-e", f"@{bad}", "playbooks/preflight.yml",
               check=False)
    assert proc.returncode != 0
    assert "network 'cluster', host 'multi-homed-cpl-1': multihomed_addresses 172.16.41.9 is outside cidr " \
        "172.16.40.0/24" in proc.stdout


def test_filters_as_documented(lane):
    proc = run(lane, "ansible-playbook", "-i", "inventories/example", "tests/compat/filters.yml")
    assert "failed=0" in proc.stdout and "ok=3" in proc.stdout


def test_rke2_config_phase_on_local_hosts(lane, tmp_path):
    inventory = str(local_inventory(tmp_path, lane_bin(lane, "python"), rke2_token=TOKEN,
                                    rke2_version="v1.33.3+rke2r1"))
    tags = ("--tags", "rke2_preflight,rke2_config")
    proc = run(lane, "ansible-playbook", "-i", inventory, "playbooks/rke2.yml", *tags)
    assert "changed=1" in proc.stdout
    for host, address in HOSTS.items():
        path = tmp_path / host / "etc-rke2" / "config.yaml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, host
        config = yaml.safe_load(path.read_text())
        assert config["node-ip"] == address and config["token"] == TOKEN, host
    manifests = glob.glob(str(tmp_path / "s1" / "rke2" / "server" / "manifests" / "*.yaml"))
    assert sorted(os.path.basename(m) for m in manifests) == ["rke2-canal-config.yaml", "rke2-multus-config.yaml"]

    again = run(lane, "ansible-playbook", "-i", inventory, "playbooks/rke2.yml", *tags)
    assert "changed=0" in again.stdout and "changed=1" not in again.stdout

    before = (tmp_path / "a1" / "etc-rke2" / "config.yaml").read_bytes()
    check = run(lane, "ansible-playbook", "-i", inventory, "playbooks/rke2.yml", *tags, "--check", "--diff",
                "-e", '{"rke2_node_labels": ["compat=yes"]}')
    assert "compat=yes" in check.stdout and TOKEN not in check.stdout + check.stderr
    assert (tmp_path / "a1" / "etc-rke2" / "config.yaml").read_bytes() == before
