"""node_network preflight: after three rejected runs, no host was touched (podman:// backend)."""

import pytest
import testinfra

HOSTS = {"cpl-1": ["ens192"], "wrk-1": ["ens192", "ens224", "ens256"]}


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_nothing_written(name):
    host = testinfra.get_host("podman://mh-node_network_preflight-" + name)
    assert not host.file("/etc/netplan/60-multihomed.yaml").exists
    assert not host.file("/etc/NetworkManager/conf.d/rke2-canal.conf").exists
    assert host.check_output("ls /etc/NetworkManager/system-connections/") == ""


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_no_address_set(name):
    host = testinfra.get_host("podman://mh-node_network_preflight-" + name)
    for device in HOSTS[name]:
        assert "inet " not in host.check_output("ip -4 addr show dev %s" % device)
    assert host.check_output("ip -4 route show") == ""
