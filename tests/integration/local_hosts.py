# -*- coding: utf-8 -*-
"""An inventory of three RKE2 nodes reached with the local connection (s1 a server, a1 and a2 agents), for tests of
the rke2 role's local paths: RKE2 not installed, services not managed, each node's config and data directories under
a tmp dir (``<tmp>/<host>/etc-rke2``, ``<tmp>/<host>/rke2``), one cluster network on ``lo``. The 198.18.x addresses
are configuration only: nothing is sent to them. Used by test_awx_runner, test_plan_playbook and tests/compat."""
import sys

import yaml

HOSTS = {"s1": "198.18.40.11", "a1": "198.18.40.21", "a2": "198.18.40.22"}


def local_inventory(tmp_path, python=sys.executable, **group_vars):
    """Writes ``<tmp_path>/hosts.yml`` and returns its path; ``group_vars`` go to rke2_cluster (where users put
    them), over the settings that keep RKE2 itself out of the way."""
    inv = {"rke2_cluster": {
        "children": {"rke2_servers": {"hosts": {}}, "rke2_agents": {"hosts": {}}},
        "vars": dict({"ansible_connection": "local", "ansible_python_interpreter": python,
                      "rke2_install_method": "none", "rke2_service_manage": False, "rke2_wait_ready": False},
                     **group_vars),
    }, "all": {"vars": {"multihomed_networks": {
        "cluster": {"cidr": "198.18.40.0/24", "purpose": "cluster", "groups": ["rke2_servers", "rke2_agents"],
                    "interface": "lo"}}}}}
    for host, address in HOSTS.items():
        group = "rke2_servers" if host == "s1" else "rke2_agents"
        inv["rke2_cluster"]["children"][group]["hosts"][host] = {
            "multihomed_addresses": {"cluster": address},
            "rke2_config_dir": str(tmp_path / host / "etc-rke2"), "rke2_data_dir": str(tmp_path / host / "rke2")}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inv))
    return path
