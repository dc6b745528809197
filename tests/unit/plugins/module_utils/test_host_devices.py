# -*- coding: utf-8 -*-
# Table-driven tests of the host devices an attachment needs: a bridge attachment's host bridge and a macvlan
# attachment's host shim, in the model (validation, naming network, host and field) and in the NIC plan.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import report
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import ModelError
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host

PLAN_KEYS = ["network", "purpose", "device", "parent", "vlan", "mac", "cidr", "gateway", "mtu", "default_route",
             "routes", "dhcp", "address", "prefix"]


def networks(**attachments):
    out = {
        "cluster": {"cidr": "198.18.40.0/24", "gateway": "198.18.40.1", "purpose": "cluster", "groups": ["agents"],
                    "interface": "ens192"},
        "lab": {"cidr": "198.18.70.0/24", "groups": ["agents"], "interface": "ens161"},
        "vlan": {"cidr": "198.18.71.0/24", "groups": ["agents"], "parent": "ens192", "vlan": 71},
    }
    for name, att in attachments.items():
        out[name]["attachment"] = att
    return out


HOSTS = [Host("w1", ["agents"], {"cluster": "198.18.40.21", "lab": "198.18.70.21", "vlan": "198.18.71.21"}),
         Host("w2", ["agents"], {"cluster": "198.18.40.22", "lab": "198.18.70.22", "vlan": "198.18.71.22"},
              {"lab": "eth7"})]
WB = {"type": "whereabouts"}

PLANS = [
    ("bridge: the entry names the host bridge (default br-<network>)",
     {"lab": {"type": "bridge", "ipam": WB}}, "lab",
     {"w1": ("ens161", "bridge", "br-lab"), "w2": ("eth7", "bridge", "br-lab")}),
    ("bridge on a VLAN sub-interface: the sub-interface is the port",
     {"vlan": {"type": "bridge", "bridge": "brv", "ipam": WB}}, "vlan",
     {"w1": ("ens192.71", "bridge", "brv"), "w2": ("ens192.71", "bridge", "brv")}),
    ("macvlan host_shim: the entry names the shim mh-<network>",
     {"lab": {"type": "macvlan", "master": "ens161", "host_shim": True, "ipam": WB}}, "lab",
     {"w1": ("ens161", "shim", "mh-lab"), "w2": ("eth7", None, None)}),
]


@pytest.mark.parametrize("case, atts, network, expected", PLANS, ids=[c[0] for c in PLANS])
def test_plan_names_the_host_device(case, atts, network, expected):
    hosts = HOSTS if expected["w2"][1] else HOSTS[:1]
    plans = report.build(networks(**atts), hosts)["plans"]
    for host in (h.name for h in hosts):
        device, key, name = expected[host]
        entry = next(e for e in plans[host] if e["network"] == network)
        assert list(entry) == PLAN_KEYS + [key] and entry["device"] == device and entry[key] == name
        # every other entry keeps exactly the keys (and order) it had before bridges and shims
        assert all(list(e) == PLAN_KEYS for e in plans[host] if e["network"] != network)


ERRORS = [
    ("bridge on the cluster network",
     {"cluster": {"type": "bridge", "ipam": WB}},
     "network 'cluster': attachment.type bridge is not supported on the cluster network"),
    ("shim on a bridge attachment", {"lab": {"type": "bridge", "host_shim": True, "ipam": WB}},
     "network 'lab': attachment.host_shim is only for type macvlan (this is bridge)"),
    ("shim on ipvlan", {"lab": {"type": "ipvlan", "host_shim": True, "ipam": WB}},
     "network 'lab': attachment.host_shim is only for type macvlan (this is ipvlan)"),
    ("shim needs bridge mode", {"lab": {"type": "macvlan", "mode": "private", "host_shim": True, "ipam": WB}},
     "network 'lab': attachment.host_shim needs mode bridge (this is private)"),
    ("shim is a boolean", {"lab": {"type": "macvlan", "host_shim": "yes", "ipam": WB}},
     "network 'lab': attachment.host_shim must be true or false, got 'yes'"),
    ("shim on the cluster network", {"cluster": {"type": "macvlan", "host_shim": True, "ipam": WB}},
     "network 'cluster': attachment.host_shim is not supported on the cluster network"),
    ("shim and pods on different parents",
     {"lab": {"type": "macvlan", "master": "ens161", "host_shim": True, "ipam": WB}},
     "network 'lab', host 'w2': attachment.host_shim the shim's parent is this host's eth7 but attachment.master "
     "is ens161"),
    ("host bridge named like another network's NIC",
     {"lab": {"type": "bridge", "bridge": "ens192.71", "ipam": WB}},
     "network 'vlan', host 'w1': interface device ens192.71 is also used by network 'lab'"),

]


@pytest.mark.parametrize("case, atts, expected", ERRORS, ids=[c[0] for c in ERRORS])
def test_refusals_name_network_host_and_field(case, atts, expected):
    with pytest.raises(ModelError) as err:
        report.build(networks(**atts), HOSTS)
    assert expected in str(err.value)


def test_truncated_names_collide():
    nets = networks()
    for name in ("services-east-1", "services-east-2"):
        nets[name] = {"cidr": "198.18.%d.0/24" % (80 + int(name[-1])), "groups": ["agents"],
                      "interface": "ens%d" % (300 + int(name[-1])), "addressing": "dhcp",
                      "attachment": {"type": "macvlan", "host_shim": True, "ipam": WB}}
    with pytest.raises(ModelError) as err:
        report.build(nets, HOSTS[:1])
    assert ("network 'services-east-2', host 'w1': attachment.host_shim device mh-services-eas is also used by "
            "network 'services-east-1'") in str(err.value)


def test_input_is_not_modified():
    nets = networks(lab={"type": "bridge", "ipam": WB})
    before = copy.deepcopy(nets)
    report.build(nets, HOSTS)
    assert nets == before
