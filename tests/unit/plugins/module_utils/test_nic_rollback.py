# -*- coding: utf-8 -*-
"""The rollback the nic_plan module writes on a host: the restore script (timer, verify, requested, boot) and the
boot unit. Run for real on the SSH lab (tests/integration/test_lab_ssh.py: a host power-cycled inside the window)."""
from __future__ import annotations

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_rollback

MANIFEST = {"host": "h", "dir": "/var/lib/multihomed-rke2/nic-plan/pending", "backend": "netplan",
            "files": [{"path": "/etc/netplan/60-multihomed.yaml", "existed": True, "mode": 0o600, "backup": "0"},
                      {"path": "/etc/systemd/network/10-netplan-ens256.network.d/60-multihomed-shim.conf",
                       "existed": False, "mode": 0, "backup": "1"},
                      {"path": "/etc/systemd/network/60-multihomed-mh-services.netdev", "existed": False,
                       "mode": 0, "backup": "2"}],
            "new_dirs": ["/etc/systemd/network/10-netplan-ens256.network.d"],
            "renames": [{"from": "eth5", "to": "ens224"}], "new_links": ["mh-services"], "devices": ["ens192"],
            "restore_nm_ids": [], "networks": ["cluster"], "armed_at": "t", "timeout": 60, "change_id": "c"}


def test_restore_script_puts_back_what_existed_and_removes_what_was_created():
    script = nic_rollback.restore_script(MANIFEST)
    assert 'install -D -m 0600 -o root -g root "$D/backup/0" /etc/netplan/60-multihomed.yaml' in script
    assert "rm -f /etc/systemd/network/60-multihomed-mh-services.netdev" in script
    # the directory the change made for a drop-in goes too (an empty 10-netplan-ens256.network.d/ was left before)
    assert "rmdir /etc/systemd/network/10-netplan-ens256.network.d 2>/dev/null" in script
    assert script.index("rm -f /etc/systemd/network/10-netplan") < script.index("rmdir")
    assert "ip link set dev ens224 name eth5" in script and "ip link del dev mh-services" in script
    assert script.index("flock 9") < script.index("install -D") < script.index("netplan generate")
    assert '"change_id": "c"' in script


def test_at_boot_the_files_are_restored_and_only_regenerated():
    """Before the network starts: netplan generate again (its generator rendered the unconfirmed files into /run
    already); networkctl would wait for a systemd-networkd that is ordered after the unit."""
    script = nic_rollback.restore_script(MANIFEST)
    boot, running = script.split('if [ "$REASON" = boot ]; then', 1)[1].split("\nelse\n", 1)
    assert "netplan generate" in boot and "networkctl" not in boot
    running = running.split("\nfi\n", 1)[0]
    assert "networkctl reload" in running and "networkctl reconfigure" in running
    nm = nic_rollback.restore_script(dict(MANIFEST, backend="networkmanager", restore_nm_ids=["multihomed-cluster"]))
    boot, running = nm.split('if [ "$REASON" = boot ]; then', 1)[1].split("\nelse\n", 1)
    assert boot.strip() == ":" and "nmcli --wait 30 connection up id multihomed-cluster" in running


def test_boot_unit_runs_before_the_network_only_when_a_change_is_pending():
    unit = nic_rollback.boot_unit()
    lines = unit.splitlines()
    assert "ConditionPathExists=/var/lib/multihomed-rke2/nic-plan/pending/restore.sh" in lines
    assert "Before=network-pre.target systemd-networkd.service NetworkManager.service shutdown.target" in lines
    assert "ExecStart=/bin/sh /var/lib/multihomed-rke2/nic-plan/pending/restore.sh boot" in lines
    assert "DefaultDependencies=no" in lines and "WantedBy=multi-user.target" in lines
    assert nic_rollback.BOOT_UNIT_PATH == "/etc/systemd/system/multihomed-nic-rollback-boot.service"
