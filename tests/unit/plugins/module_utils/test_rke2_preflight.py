# -*- coding: utf-8 -*-
# Table tests of the rke2 role's cross-field rules (types and choices are checked by meta/argument_specs.yml).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_preflight import problems, settings_from_mapping


def settings(**kw):
    base = dict(host="s1", group_names=["rke2_servers"], servers_group="rke2_servers", agents_group="rke2_agents",
                servers=["s1", "s2"], agents=["a1"], bootstrap_server="s1", install_method="tarball",
                version="v1.31.5+rke2r1", airgap_dir="", cni_primary="canal", multus_enabled=True, agent_serial=1,
                dropins={})
    base.update(kw)
    return settings_from_mapping(base)


CASES = [
    ("a valid server", settings(), []),
    ("a valid agent", settings(host="a1", group_names=["rke2_agents"]), []),
    ("install none needs no version", settings(install_method="none", version=""), []),
    ("airgap with version and directory", settings(install_method="airgap", airgap_dir="/srv/rke2"), []),
    ("in neither group", settings(host="x", group_names=["other"]),
     ["the host must be in exactly one of the groups 'rke2_servers' or 'rke2_agents' (it is in ['other'])"]),
    ("in both groups", settings(host="s2", agents=["a1", "s2"], group_names=["rke2_servers", "rke2_agents"]),
     ["the host must be in exactly one of the groups 'rke2_servers' or 'rke2_agents' "
      "(it is in ['rke2_agents', 'rke2_servers'])"]),
    ("bootstrap server not a server", settings(bootstrap_server="a1"),
     ["rke2_bootstrap_server ('a1') must be one of the servers of group 'rke2_servers' (s1, s2)"]),
    ("no servers at all", settings(host="a1", servers=[], bootstrap_server=""),
     ["rke2_bootstrap_server ('') must be one of the servers of group 'rke2_servers' (none)"]),
    ("tarball without version", settings(version=""),
     ["rke2_install_method tarball needs rke2_version like v1.31.5+rke2r1 (got '')"]),
    ("airgap with a malformed version and no directory", settings(install_method="airgap", version="1.31.5"),
     ["rke2_install_method airgap needs rke2_version like v1.31.5+rke2r1 (got '1.31.5')",
      "rke2_install_method airgap needs rke2_airgap_dir (the directory of the artifacts on the controller)"]),
    ("multus without a primary CNI", settings(cni_primary="none"),
     ["rke2_multus_enabled needs a primary CNI: rke2_cni_primary is none"]),
    ("no CNI at all is allowed", settings(cni_primary="none", multus_enabled=False), []),
    ("agent_serial 0", settings(agent_serial=0), ["rke2_agent_serial must be an integer >= 1 (got 0)"]),
    ("agent_serial as a string", settings(agent_serial="2"), []),
    ("drop-in names", settings(dropins={"10-kubelet": {}, "a.b_c": {}, "-bad": {}, "with space": {}}),
     ["rke2_config_dropins: file names ['-bad', 'with space'] are not letters, digits, '.', '_' and '-' "
      "starting with a letter or digit"]),
    ("several problems, each reported", settings(host="x", group_names=[], version="", agent_serial=0),
     ["the host must be in exactly one of the groups 'rke2_servers' or 'rke2_agents' (it is in [])",
      "rke2_install_method tarball needs rke2_version like v1.31.5+rke2r1 (got '')",
      "rke2_agent_serial must be an integer >= 1 (got 0)"]),
]


@pytest.mark.parametrize("name, given, expected", CASES, ids=[c[0] for c in CASES])
def test_problems(name, given, expected):
    assert problems(given) == expected


@pytest.mark.parametrize("data, message", [
    ({"host": "s1", "cni": "canal"}, "host 's1': unknown fields cni"),
    ({"host": "s1"}, "host 's1': missing fields group_names, servers_group, agents_group, servers, agents, "
                     "bootstrap_server, install_method"),
    ("s1", "expected a mapping of the role's settings, got str"),
])
def test_settings_errors(data, message):
    with pytest.raises(ValueError) as err:
        settings_from_mapping(data)
    assert str(err.value) == message
