# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rollback of a NIC change that was not confirmed, as text the nic_plan module writes on the host.

A change is pending while ``STATE_DIR/pending`` exists (under /var/lib: it survives a reboot). Two things restore it:

- the transient timer the module starts with ``systemd-run`` (``ROLLBACK_UNIT``), for the running system;
- the boot unit (``BOOT_UNIT``, installed and enabled by the module when it arms a change), for a host that boots
  while a change is pending: it runs before ``network-pre.target``, systemd-networkd and NetworkManager, so the
  host comes up on the files it had before the change, never on an unconfirmed one.

Both run the same :func:`restore_script` (argument ``timer``, ``boot``, ``verify`` or ``requested``: the reason the
report gives). Confirmation removes ``pending``; the boot unit then does nothing (``ConditionPathExists``).
"""

from __future__ import annotations

import json
import shlex

from ansible_collections.multihomed.rke2.plugins.module_utils.nic_apply import activate_commands

STATE_DIR = "/var/lib/multihomed-rke2/nic-plan"
ROLLBACK_UNIT = "multihomed-nic-rollback"
BOOT_UNIT = "multihomed-nic-rollback-boot"
BOOT_UNIT_PATH = "/etc/systemd/system/%s.service" % BOOT_UNIT


def boot_unit():
    """The unit that rolls back, at boot, a change still pending (systemd.unit(5), systemd.special(7):
    network-pre.target is the point before any network is configured; systemd-networkd.service and
    NetworkManager.service are ordered after it)."""
    restore = STATE_DIR + "/pending/restore.sh"
    return "\n".join([
        "# Managed by multihomed.rke2 (node_network, module nic_plan): rolls back at boot a network change that was",
        "# not confirmed before the host went down. Does nothing unless a change is pending.",
        "[Unit]",
        "Description=multihomed.rke2: roll back an unconfirmed network change before the network starts",
        "DefaultDependencies=no",
        "ConditionPathExists=" + restore,
        "RequiresMountsFor=" + STATE_DIR,
        "After=local-fs.target",
        "Before=network-pre.target systemd-networkd.service NetworkManager.service shutdown.target",
        "Wants=network-pre.target",
        "Conflicts=shutdown.target",
        "",
        "[Service]",
        "Type=oneshot",
        "ExecStart=/bin/sh " + restore + " boot",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ])


def _boot_activation(backend):
    """At boot the network is not up yet: its configuration only has to be what the restored files say. netplan's
    systemd generator already rendered the unconfirmed files into /run before any unit ran: render them again.
    NetworkManager reads its keyfiles when it starts, after this."""
    return ["netplan generate"] if backend == "netplan" else []


def restore_script(manifest):
    """The rollback: put back every file as it was (byte for byte, same mode), remove the ones the change created
    (and the directories it made for them), undo renames, delete links the change created, re-activate (at boot:
    only regenerate), and leave a report. Idempotent; serialised with the module's confirmation by a lock."""
    lines = ["#!/bin/sh", "# multihomed.rke2 nic_plan rollback (armed %s, timer %s s)" % (
        manifest["armed_at"], manifest["timeout"]),
        "D=%s" % shlex.quote(manifest["dir"]), "exec 9>\"$D/../lock\"", "flock 9",
        "[ -d \"$D\" ] || exit 0", "REASON=${1:-timer}", "exec >>\"$D/rollback.log\" 2>&1"]
    for f in manifest["files"]:
        if f["existed"]:
            lines.append("install -D -m %s -o root -g root \"$D/backup/%s\" %s" % (
                "%04o" % f["mode"], f["backup"], shlex.quote(f["path"])))
        else:
            lines.append("rm -f %s" % shlex.quote(f["path"]))
    for d in manifest.get("new_dirs") or []:  # deepest first; only when empty
        lines.append("rmdir %s 2>/dev/null" % shlex.quote(d))
    for r in manifest["renames"]:
        lines.append("ip link set dev %s down; ip link set dev %s name %s; ip link set dev %s up" % (
            shlex.quote(r["to"]), shlex.quote(r["to"]), shlex.quote(r["from"]), shlex.quote(r["from"])))
    for name in manifest["new_links"]:
        lines.append("ip link del dev %s 2>/dev/null" % shlex.quote(name))
    running = activate_commands(manifest["backend"], manifest["devices"], manifest["restore_nm_ids"],
                                manifest.get("reload_nm", False))
    at_boot = _boot_activation(manifest["backend"])
    lines += ["if [ \"$REASON\" = boot ]; then", "  :"] + ["  " + c for c in at_boot] + ["else"]
    lines += ["  " + c for c in running] + ["fi"]
    report = json.dumps({k: manifest[k] for k in ("host", "networks", "armed_at", "timeout", "change_id")}
                        | {"files": [f["path"] for f in manifest["files"]]})
    lines += ["printf '%%s' %s | sed \"s/}$/, \\\"reason\\\": \\\"$REASON\\\", \\\"at\\\": \\\"$(date -Is)\\\"}/\" "
              "> \"$D/../rolled-back.json\"" % shlex.quote(report),
              "rm -rf \"$D\"", "systemctl stop %s.timer 2>/dev/null" % ROLLBACK_UNIT, "exit 0"]
    return "\n".join(lines) + "\n"
