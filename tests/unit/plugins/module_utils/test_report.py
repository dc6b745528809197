# -*- coding: utf-8 -*-
# Table tests of the whole-model step (report.build) and of the values read from its report.
from __future__ import annotations

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import k8s_render, report
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host, load_networks


def nets(**extra):
    out = {
        "cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster",
                    "groups": ["servers", "agents"], "interface": "ens192"},
        "storage": {"cidr": "198.18.50.0/24", "purpose": "storage", "groups": ["agents"], "interface": "ens224",
                    "addressing": "dhcp", "attachment": {"name": "lh", "namespace": "longhorn-system",
                                                         "ipam": {"type": "whereabouts"}}},
    }
    out.update(extra)
    return out


HOSTS = [Host("s1", ["servers"], {"cluster": "198.18.40.11"}),
         Host("a1", ["agents"], {"cluster": "198.18.40.21"}, {"cluster": "eth1"})]


def test_report_is_json_safe_and_complete():
    rep = report.build(nets(), HOSTS)
    assert json.loads(json.dumps(rep)) == rep
    assert rep["version"] == 2
    assert rep["networks"] == ["cluster", "storage"]
    assert rep["cluster"] == {"network": "cluster", "cidr": "198.18.40.0/24", "groups": ["servers", "agents"],
                              "devices": ["ens192", "eth1"], "node_ips": {"s1": "198.18.40.11", "a1": "198.18.40.21"}}
    assert rep["multus"] == {"dhcp_daemon": False, "whereabouts": True}
    assert [n["metadata"]["name"] for n in rep["nads"]] == ["lh"]
    assert rep["storage_candidates"] == ["storage"]
    assert rep["attachments"]["storage"] == {"namespace": "longhorn-system", "name": "lh", "type": "macvlan",
                                             "cidr": "198.18.50.0/24", "ipam": "whereabouts",
                                             "capabilities": {"mac": True}}


@pytest.mark.parametrize("case, networks, expected", [
    # A model whose networks carry keys of the normalized form (net, device, name) is raw input with unknown keys.
    ("normalized-looking keys", nets(cluster={**nets()["cluster"], "net": "x", "device": "ens192"}),
     "network 'cluster': unknown field(s) device, net (allowed: vlan, cidr,"),
    ("typo in an attachment", nets(storage={**nets()["storage"], "attachment": {"nmae": "x"}}),
     "network 'storage': attachment has unknown field(s) nmae"),
    ("typo in ipam", nets(storage={**nets()["storage"], "attachment": {"ipam": {"type": "dhcp", "rnage": 1}}}),
     "network 'storage': attachment.ipam has unknown field(s) rnage for type dhcp"),
    ("network not a mapping", nets(extra=["x"]), "network 'extra': definition must be a mapping"),
    ("cidr6 on an IPv6 network", nets(v6={"cidr": "2001:db8::/64", "cidr6": "2001:db8:1::/64", "groups": ["agents"],
                                          "interface": "ens256", "addressing": "dhcp"}),
     "network 'v6', IPv6: cidr6 is for the IPv6 side of an IPv4 network, but cidr 2001:db8::/64 is already IPv6"),
])
def test_unknown_keys_are_model_errors(case, networks, expected):
    if expected is None:
        report.build(networks, HOSTS)
        return
    with pytest.raises(ModelError) as err:
        report.build(networks, HOSTS)
    assert expected in str(err.value), case


def test_all_network_and_host_problems_in_one_error():
    bad = nets(cluster={**nets()["cluster"], "mtu": 70000})
    with pytest.raises(ModelError) as err:
        report.build(bad, HOSTS)
    assert err.value.errors == ["network 'cluster': mtu must be an integer from 576 to 9216, got 70000"]
    with pytest.raises(ModelError) as err:
        report.build(nets(), [Host("s1", ["servers"], {"cluster": "198.18.40.300"}),
                              Host("a1", ["agents"], {"cluster": "198.18.40.1", "nope": "1.2.3.4"})])
    assert err.value.errors == [
        "network 'cluster', host 's1': multihomed_addresses '198.18.40.300' is not an IP address",
        "network 'nope', host 'a1': multihomed_addresses names a network that is not in multihomed_networks",
        "network 'cluster', host 'a1': multihomed_addresses 198.18.40.1 is the network's gateway",
    ]


STORAGE2 = {"cidr": "198.18.60.0/24", "purpose": "storage", "groups": ["agents"], "interface": "ens256",
            "addressing": "dhcp", "attachment": {"name": "lh2", "ipam": {"type": "dhcp"}}}


@pytest.mark.parametrize("case, networks, name, expected", [
    ("the one candidate", nets(), "", {"network": "storage", "namespace": "longhorn-system", "name": "lh",
                                       "value": "longhorn-system/lh"}),
    ("named", nets(storage2=STORAGE2), "storage2", {"network": "storage2", "namespace": "default", "name": "lh2",
                                                    "value": "default/lh2"}),
    ("two candidates", nets(storage2=STORAGE2), "", "Several networks have purpose storage and an attachment "
                                                    "(storage, storage2): set longhorn_network_network."),
    ("not in the model", nets(), "nope", "longhorn_network_network 'nope' is not a network of the model (known: "
                                         "cluster, storage)"),
    ("not storage", nets(), "cluster", "network cluster: purpose must be storage and it needs an attachment "
                                       "(storage networks with an attachment: storage)"),
    ("none", {"cluster": nets()["cluster"]}, "", "no network has purpose storage and an attachment"),
])
def test_storage_attachment(case, networks, name, expected):
    rep = report.build(networks, HOSTS)
    if isinstance(expected, dict):
        assert k8s_render.storage_attachment(rep, name) == expected
    else:
        with pytest.raises(ModelError) as err:
            k8s_render.storage_attachment(rep, name)
        assert expected in str(err.value), case


def test_master_provenance():
    """A default master that differs between hosts is ambiguous; the same master given explicitly is not."""
    macvlan = {"cidr": "198.18.70.0/24", "groups": ["servers", "agents"], "interface": "eth2", "addressing": "dhcp",
               "attachment": {"type": "macvlan", "ipam": {"type": "dhcp"}}}
    hosts = [Host("s1", ["servers"], {"cluster": "198.18.40.11"}, {"lab": "eth3"}),
             Host("a1", ["agents"], {"cluster": "198.18.40.21"})]
    with pytest.raises(ModelError, match=r"network 'lab', host 's1': attachment.master is ambiguous: this host's "
                       r"device for the network is eth3, on a1 it is eth2"):
        report.build(nets(lab=macvlan), hosts)
    explicit = {**macvlan, "attachment": {**macvlan["attachment"], "master": "eth2"}}
    assert load_networks(nets(lab=explicit))["lab"].attachment.master_explicit is True
    report.build(nets(lab=explicit), hosts)
