"""node_network, NetworkManager backend: 2 agents after the role ran (podman:// backend)."""

import json

import pytest
import testinfra

PREFIX = "mh-node_network_nm-"
PLAN = {
    "wrk-1": {"cluster": ("ens192", "198.18.40.21"), "storage": ("ens224", "198.18.50.21"), "services": ("ens256", None)},
    "wrk-2": {"cluster": ("ens192", "198.18.40.22"), "storage": ("ens224", "198.18.50.22"), "services": ("ens256", None)},
}
CIDR = {"cluster": "198.18.40.", "storage": "198.18.50.", "services": "198.18.60."}
MTU = {"cluster": 1500, "storage": 1450}


@pytest.fixture(scope="module")
def hosts():
    return {name: testinfra.get_host("podman://" + PREFIX + name) for name in PLAN}


def ip_json(host, *args):
    return json.loads(host.check_output("ip -j " + " ".join(args)))


def ipv4(host, device):
    return [a["local"] + "/" + str(a["prefixlen"])
            for a in ip_json(host, "addr", "show", "dev", device)[0]["addr_info"] if a["family"] == "inet"]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_addresses_and_mtu(hosts, name):
    for network, (device, address) in PLAN[name].items():
        addrs = ipv4(hosts[name], device)
        if address:
            assert addrs == [address + "/24"], (name, network, addrs)
        else:
            assert len(addrs) == 1 and addrs[0].startswith(CIDR[network]), (name, network, addrs)
        if network in MTU:
            assert ip_json(hosts[name], "link", "show", "dev", device)[0]["mtu"] == MTU[network]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_one_default_route_and_routes(hosts, name):
    defaults = ip_json(hosts[name], "-4", "route", "show", "default")
    assert [(r["dev"], r.get("gateway")) for r in defaults] == [("ens192", "198.18.40.1")]
    extra = ip_json(hosts[name], "-4", "route", "show", "198.18.70.0/24")
    assert [(r["dev"], r["gateway"]) for r in extra] == [("ens192", "198.18.40.1")]
    services = ip_json(hosts[name], "-4", "route", "show", "dev", "ens256")
    assert [r["dst"] for r in services] == ["198.18.60.0/24"]


@pytest.mark.parametrize("name", sorted(PLAN))
def test_profiles_active_from_our_keyfiles(hosts, name):
    out = hosts[name].check_output("nmcli -t -f NAME,DEVICE,FILENAME connection show --active")
    for network, (device, dummy) in PLAN[name].items():
        line = "multihomed-%s:%s:/etc/NetworkManager/system-connections/multihomed-%s.nmconnection" % (
            network, device, network)
        assert line in out.splitlines()
        f = hosts[name].file("/etc/NetworkManager/system-connections/multihomed-%s.nmconnection" % network)
        assert f.mode == 0o600 and f.user == "root"
    services = hosts[name].file("/etc/NetworkManager/system-connections/multihomed-services.nmconnection")
    assert "never-default=true" in services.content_string and "ignore-auto-routes=true" in services.content_string


@pytest.mark.parametrize("network", ["cluster", "storage", "services"])
def test_agents_reach_each_other(hosts, network):
    for src, dst in (("wrk-1", "wrk-2"), ("wrk-2", "wrk-1")):
        target = ipv4(hosts[dst], PLAN[dst][network][0])[0].split("/")[0]
        hosts[src].run_expect([0], "ping -n -q -c 1 -W 2 -I %s %s" % (PLAN[src][network][0], target))


def test_nic_matched_by_mac_was_renamed(hosts):
    link = ip_json(hosts["wrk-1"], "link", "show", "dev", "ens224")[0]
    assert link["address"] == "02:4d:48:00:50:21"
    assert not hosts["wrk-1"].run("ip link show dev eth5").succeeded
    keyfile = hosts["wrk-1"].file("/etc/NetworkManager/system-connections/multihomed-storage.nmconnection")
    assert "mac-address=02:4d:48:00:50:21" in keyfile.content_string


@pytest.mark.parametrize("name", sorted(PLAN))
def test_rke2_networkmanager_fix(hosts, name):
    conf = hosts[name].file("/etc/NetworkManager/conf.d/rke2-canal.conf").content_string
    assert "[keyfile]" in conf
    assert ("unmanaged-devices=interface-name:cali*;interface-name:flannel*;interface-name:tunl*;"
            "interface-name:vxlan.calico;interface-name:vxlan-v6.calico;interface-name:wireguard.cali;"
            "interface-name:wg-v6.cali") in conf


def test_nm_cloud_setup_turned_off_where_it_exists(hosts):
    """wrk-1 had a stand-in nm-cloud-setup (prepare): the role disabled and stopped its timer and service; wrk-2
    never had it, and still has none (the role creates nothing)."""
    for unit in ("nm-cloud-setup.timer", "nm-cloud-setup.service"):
        assert hosts["wrk-1"].run("systemctl is-enabled " + unit).stdout.strip() == "disabled", unit
        assert hosts["wrk-1"].run("systemctl is-active " + unit).stdout.strip() == "inactive", unit
    assert hosts["wrk-2"].run("systemctl show -P LoadState nm-cloud-setup.service").stdout.strip() == "not-found"
