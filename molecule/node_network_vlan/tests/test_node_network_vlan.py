"""node_network, 802.1Q sub-interfaces validated by rendering only (no 8021q in this kernel; podman:// backend)."""

import configparser

import pytest
import testinfra
import yaml

NP = "podman://mh-node_network_vlan-np"
NM = "podman://mh-node_network_vlan-nm"
KEYFILES = "/etc/NetworkManager/system-connections/"


@pytest.fixture(scope="module")
def np():
    return testinfra.get_host(NP)


@pytest.fixture(scope="module")
def nm():
    return testinfra.get_host(NM)


def keyfile(host, name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(host.file(KEYFILES + name + ".nmconnection").content_string)
    return parser


def test_netplan_vlans_rendered(np):
    plan = yaml.safe_load(np.file("/etc/netplan/60-multihomed.yaml").content_string)["network"]
    assert plan["ethernets"] == {"ens192": {"match": {"macaddress": "02:4d:48:00:40:31"}, "set-name": "ens192",
                                            "mtu": 9000}}
    vlans = plan["vlans"]
    assert vlans["ens192.40"] == {"id": 40, "link": "ens192", "dhcp4": False, "addresses": ["198.18.40.31/24"],
                                  "mtu": 1500, "routes": [{"to": "default", "via": "198.18.40.1"},
                                                          {"to": "198.18.70.0/24", "via": "198.18.40.1"}]}
    assert vlans["ens192.50"] == {"id": 50, "link": "ens192", "dhcp4": False, "addresses": ["198.18.50.31/24"],
                                  "mtu": 9000}
    assert vlans["ens192.60"] == {"id": 60, "link": "ens192", "dhcp4": True,
                                  "dhcp4-overrides": {"use-routes": False}}


def test_netplan_generate_accepts_it(np):
    root = np.check_output("mktemp -d")
    try:
        np.run_expect([0], "mkdir -p %s/etc/netplan && cp /etc/netplan/60-multihomed.yaml %s/etc/netplan/" % (root, root))
        np.run_expect([0], "netplan generate --root-dir %s" % root)
        out = root + "/run/systemd/network/"
        netdev = np.check_output("cat %s10-netplan-ens192.40.netdev" % out)
        assert "Kind=vlan" in netdev and "Id=40" in netdev and "MTUBytes=1500" in netdev
        trunk = np.check_output("cat %s10-netplan-ens192.network" % out)
        assert all("VLAN=ens192.%d" % v in trunk for v in (40, 50, 60))
        services = np.check_output("cat %s10-netplan-ens192.60.network" % out)
        assert "DHCP=ipv4" in services and "UseRoutes=false" in services
    finally:
        np.run("rm -rf %s" % root)


def test_nm_vlan_keyfiles(nm):
    for network, vlan in (("cluster", 40), ("storage", 50), ("services", 60)):
        kf = keyfile(nm, "multihomed-" + network)
        assert kf["connection"]["type"] == "vlan"
        assert kf["connection"]["interface-name"] == "ens192.%d" % vlan
        assert dict(kf["vlan"]) == {"id": str(vlan), "parent": "ens192"}
    cluster = keyfile(nm, "multihomed-cluster")
    assert cluster["ipv4"]["address1"] == "198.18.40.32/24" and cluster["ipv4"]["gateway"] == "198.18.40.1"
    assert cluster["ipv4"]["route1"] == "198.18.70.0/24,198.18.40.1"
    services = keyfile(nm, "multihomed-services")
    assert services["ipv4"]["method"] == "auto" and services["ipv4"]["never-default"] == "true"
    trunk = keyfile(nm, "multihomed-trunk-ens192")
    assert trunk["ethernet"]["mac-address"] == "02:4d:48:00:40:32" and trunk["ethernet"]["mtu"] == "9000"
    assert trunk["ipv4"]["method"] == "disabled"


@pytest.mark.parametrize("network", ["cluster", "storage", "services", "trunk-ens192"])
def test_nmcli_offline_parses_keyfiles(nm, network):
    out = nm.check_output("nmcli --offline connection modify connection.autoconnect yes < %smultihomed-%s.nmconnection"
                          % (KEYFILES, network))
    assert "[connection]" in out


@pytest.mark.parametrize("uri", [NP, NM])
def test_nothing_was_activated(uri):
    host = testinfra.get_host(uri)
    assert "inet " not in host.check_output("ip -4 addr show dev ens192")
    assert not host.run("ip link show dev ens192.40").succeeded
