# -*- coding: utf-8 -*-
"""playbooks/plan.yml on the lab and the example inventory: it touches no host (the lab is not even up), prints every
host and network as tables, and writes a topology SVG that renders."""
import os
import shutil
import subprocess

import pytest
import yaml

from local_hosts import local_inventory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("inventory", ["inventories/lab", "inventories/example", "inventories/example-dualstack"])
def test_plan_playbook(inventory, tmp_path):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    res = subprocess.run(["ansible-playbook", "-i", inventory, "playbooks/plan.yml",
                          "-e", f"multihomed_plan_dir={tmp_path}"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    hosts = subprocess.run(["ansible-inventory", "-i", inventory, "--list"], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True)
    names = sorted(yaml.safe_load(hosts.stdout)["_meta"]["hostvars"])
    for name in names:
        assert name in res.stdout, name
    for header in ("host", "network", "device", "VLAN", "address", "default route", "node-ip", "NetworkAttachment",
                   "rke2-canal HelmChartConfig values", "Longhorn: storage-network"):
        assert header in res.stdout, header
    svg = tmp_path / "topology.svg"
    assert svg.exists() and "<svg" in svg.read_text()
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", "-o", str(tmp_path / "t.png"), str(svg)], check=True)
        assert (tmp_path / "t.png").stat().st_size > 5000
    if inventory.endswith("dualstack"):  # both families in the tables and on the picture (issue 14)
        assert "fd00:172:16:40::" in res.stdout and "v6 via" in res.stdout
        assert "fd00:172:16:40::" in svg.read_text()


@pytest.mark.parametrize("cni", ["canal", "calico", "cilium", "flannel"])
def test_plan_shows_the_values_the_servers_receive(cni, tmp_path):
    """issue 25: plan.yml runs on localhost, where rke2_cluster's group_vars do not apply; it printed rke2-canal values
    with backend vxlan whatever the servers got. Now its values are what the rke2 role writes on the servers."""
    import json  # pylint: disable=import-outside-toplevel
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    inventory = str(local_inventory(tmp_path, rke2_token="K10plan", rke2_version="v1.33.3+rke2r1",
                                    rke2_cni_primary=cni, rke2_canal_backend="host-gw"))
    plan = subprocess.run(["ansible-playbook", "-i", inventory, "playbooks/plan.yml", "-e",
                           f"multihomed_plan_dir={tmp_path / 'plan'}"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert plan.returncode == 0, plan.stdout[-3000:]
    out = json.loads(plan.stdout[plan.stdout.index("{"):])
    (shown,) = [r["ansible_facts"]["multihomed_plan_values"] for p in out["plays"] for t in p["tasks"]
                for r in t["hosts"].values() if "multihomed_plan_values" in r.get("ansible_facts", {})]
    rke2 = subprocess.run(["ansible-playbook", "-i", inventory, "playbooks/rke2.yml", "--tags",
                           "rke2_preflight,rke2_config"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert rke2.returncode == 0, rke2.stdout[-3000:]
    manifests = tmp_path / "s1" / "rke2" / "server" / "manifests"
    written = {}
    for chart in (f"rke2-{cni}", "rke2-multus"):
        doc = yaml.safe_load((manifests / f"{chart}-config.yaml").read_text())
        written[chart] = yaml.safe_load(doc["spec"]["valuesContent"])
    assert shown == written
    assert f"rke2-{cni} HelmChartConfig values:" in plan.stdout
    if cni == "canal":
        assert shown["rke2-canal"]["flannel"]["backend"] == "host-gw"


ROLE_ALONE = """---
- name: The role multus_networks on its own (no preflight.yml, no report published)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Its preflight step
      ansible.builtin.import_role:
        name: multihomed.rke2.multus_networks
        tasks_from: preflight.yml
    - name: What it would apply
      ansible.builtin.copy:
        content: "{{ multus_networks_definitions | to_nice_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""

NADS_BOTH_WAYS = """---
- name: The NADs as a user renders them with the public filter
  hosts: localhost
  gather_facts: false
  tasks:
    - name: multihomed_networks | validate_model(hostvars, groups) | nad_manifests
      ansible.builtin.copy:
        content: "{{ multihomed_networks | multihomed.rke2.validate_model(hostvars, groups)
                     | multihomed.rke2.nad_manifests | to_nice_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


@pytest.mark.parametrize("inventory", ["inventories/lab", "inventories/example"])
def test_nad_manifests_gives_exactly_what_the_role_applies(inventory, tmp_path):
    """issue 26: the public filter and the role multus_networks (playbooks/multus.yml, its preflight step) give the
    same NADs; with a whereabouts pool over the nodes' storage addresses both exclude every node's address (the
    filter used to build the model without hosts, so its pool could hand a node's address to a pod)."""
    import json  # pylint: disable=import-outside-toplevel
    with open(os.path.join(ROOT, inventory, "group_vars", "all", "networks.yml")) as f:
        networks = yaml.safe_load(f)["multihomed_networks"]
    storage = networks["storage"]
    storage["attachment"]["ipam"] = {"type": "whereabouts"}
    extra = tmp_path / "networks.json"
    extra.write_text(json.dumps({"multihomed_networks": networks}))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    role = subprocess.run(["ansible-playbook", "-i", inventory, "playbooks/multus.yml", "--tags",
                           "multus_networks_preflight", "-e", f"@{extra}"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert role.returncode == 0, role.stdout[-3000:] + role.stderr[-2000:]
    out = json.loads(role.stdout[role.stdout.index("{"):])
    applied = [r["ansible_facts"]["multus_networks_definitions"] for p in out["plays"] for t in p["tasks"]
               for r in t["hosts"].values() if "multus_networks_definitions" in r.get("ansible_facts", {})]
    assert len(applied) == 1, "the role's preflight did not run once"
    (tmp_path / "play.yml").write_text(NADS_BOTH_WAYS)
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.default"
    mine = subprocess.run(["ansible-playbook", "-i", inventory, str(tmp_path / "play.yml"), "-e", f"@{extra}",
                           "-e", f"out={tmp_path / 'nads.json'}"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert mine.returncode == 0, mine.stdout[-3000:] + mine.stderr[-2000:]
    filtered = json.loads((tmp_path / "nads.json").read_text())
    assert filtered == applied[0]
    # the role on its own validates the model once itself, against every host (multihomed.rke2.network_model)
    (tmp_path / "alone.yml").write_text(ROLE_ALONE)
    alone = subprocess.run(["ansible-playbook", "-i", inventory, str(tmp_path / "alone.yml"), "-e", f"@{extra}",
                            "-e", f"out={tmp_path / 'alone.json'}"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300, check=False)
    assert alone.returncode == 0, alone.stdout[-3000:] + alone.stderr[-2000:]
    assert json.loads((tmp_path / "alone.json").read_text()) == filtered
    nad = next(n for n in filtered if n["metadata"]["name"] == storage["attachment"]["name"])
    ipam = json.loads(nad["spec"]["config"])["ipam"]
    nodes = sorted(f"{v}/32" for v in _storage_addresses(inventory))
    assert ipam["type"] == "whereabouts"
    # the lab's agents have static storage addresses (the example's take theirs by DHCP: none to exclude)
    assert nodes or inventory.endswith("example")
    assert all(n in ipam.get("exclude", []) for n in nodes), ipam


def _storage_addresses(inventory):
    """The static storage addresses of the inventory's hosts (host_vars)."""
    out = []
    for path in sorted(os.listdir(os.path.join(ROOT, inventory, "host_vars"))):
        with open(os.path.join(ROOT, inventory, "host_vars", path)) as f:
            address = ((yaml.safe_load(f) or {}).get("multihomed_addresses") or {}).get("storage")
        if address and address != "dhcp":
            out.append(address)
    return out
