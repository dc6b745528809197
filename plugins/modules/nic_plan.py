#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nic_plan
short_description: Carry out a host's NIC plan in one call, with commit-confirmed rollback
description:
  - Probes the host (backend units and tools, devices by name or MAC), renders the plan with the collection's
    nic_config (netplan + systemd-networkd files, or NetworkManager keyfiles), validates the result
    (C(netplan generate --root-dir) over the whole resulting /etc/netplan, C(nmcli --offline)), diffs it against
    the files on the host and reports what is live (addresses, MTU, default routes) against the plan.
  - With I(state=present) it writes only what changed (atomically), arms a rollback on the host (a transient
    systemd timer that restores every file byte for byte and re-applies it after I(rollback_timeout) seconds, and
    a boot unit that restores them before the network starts when the host boots with the change still pending),
    and starts the activation detached from the session, so a change that cuts the controller off comes back by
    itself, also across a reboot.
  - With I(state=confirmed), run over the normal connection after the change, it waits for the activation,
    verifies addresses, MTU, exactly one default route, and that the gateway and the peers in I(ping_targets)
    answer (those with an C(mtu) also to full-size packets that must not be fragmented, the path MTU); then it
    disarms the rollback. When verification fails it rolls back at once and fails naming the host,
    the networks and the files it restored.
  - With I(state=rolled_back) it makes sure a pending change is rolled back (now, if the timer has not done it yet)
    and reports what was restored.
  - Other netplan files that configure a planned device are taken over (netplan merges them with ours, so their
    addresses would stay); the device's stanza is removed from them, or the file is set aside as
    C(<file>.multihomed-disabled) when nothing else is left in it. This is part of the diff and of the rollback.
  - In check mode nothing is written or run that changes the host; the result holds the full diff.
version_added: 0.1.0
author:
  - multihomed.rke2 contributors (@multihomed)
options:
  plan:
    description: The host's NIC plan, C(multihomed_report.plans[inventory_hostname]).
    type: list
    elements: dict
    required: true
  host:
    description: The host's inventory name, for messages.
    type: str
    required: true
  state:
    description: C(present) converges, C(confirmed) verifies and disarms, C(rolled_back) rolls a pending change back.
    type: str
    choices: [present, confirmed, rolled_back]
    default: present
  backend:
    description: How the plan is applied; C(auto) picks netplan when installed, else NetworkManager.
    type: str
    choices: [auto, netplan, networkmanager]
    default: auto
  backend_by_os_family:
    description:
      - For I(backend=auto), the backend of each os_family (read from /etc/os-release); a Debian-family host without
        netplan but with NetworkManager gets networkmanager; an unlisted family gets netplan when installed, else
        NetworkManager.
    type: dict
    default: {Debian: netplan, RedHat: networkmanager, Suse: networkmanager}
  apply:
    description: false writes and validates the files but does not activate them (no rollback is armed then).
    type: bool
    default: true
  rollback_timeout:
    description: Seconds after which an unconfirmed change is rolled back by the host itself.
    type: int
    default: 60
  verify_timeout:
    description: Seconds to wait for the activation and the planned addresses (DHCP leases included).
    type: int
    default: 30
  ping_timeout:
    description: Seconds ping waits for each reply.
    type: int
    default: 2
  ping_targets:
    description:
      - C(confirmed) pings these (C(network), C(device), C(target), C(what)); the gateways, peers.
      - A target with C(mtu) (the network's planned MTU) is also pinged with packets of that size that must not be
        fragmented; when every such target of a network is silent the change is rolled back, naming network, MTU
        and targets.
    type: list
    elements: dict
    default: []
  connection_address:
    description:
      - The address the controller connects through (C(ansible_host)). Preflight refuses a plan that moves it to
        another address unless I(renumber); the result's C(connection) says where it is and where it goes.
    type: str
    default: ""
  renumber:
    description: Allow a plan that moves I(connection_address) (the role then reconnects on the new address).
    type: bool
    default: false
  change_id:
    description:
      - C(confirmed) and C(rolled_back) act on this change only (the C(change_id) its C(present) call returned).
      - Without it, C(confirmed) on a host with no pending change is a health check (verify and ping).
    type: str
  expect_pending:
    description:
      - C(confirmed) expects a pending change even without I(change_id) (the apply's result was lost on the way
        back); none pending means the host already rolled it back, and the module fails saying so.
    type: bool
    default: false
  reason:
    description: C(rolled_back) fails with this reason (what the controller saw), naming networks and restored files.
    type: str
  netplan_file:
    description: Our netplan file.
    type: path
    default: /etc/netplan/60-multihomed.yaml
  netplan_renderer:
    description: The renderer netplan hands our file to.
    type: str
    default: networkd
  networkd_dir:
    description: Where the host shims' systemd-networkd files go.
    type: path
    default: /etc/systemd/network
  networkd_prefix:
    description: Name prefix of our systemd-networkd files (any other file with it is stale).
    type: str
    default: 60-multihomed-
  netplan_takeover:
    description: Take planned devices out of other netplan files (false reports them as problems instead).
    type: bool
    default: true
  nm_dir:
    description: NetworkManager's keyfile directory.
    type: path
    default: /etc/NetworkManager/system-connections
  nm_prefix:
    description: Name prefix of our keyfiles.
    type: str
    default: multihomed-
  nm_priority:
    description: autoconnect-priority of our profiles.
    type: int
    default: 100
  nm_remove_stale:
    description: Remove our keyfiles of networks no longer in the plan.
    type: bool
    default: true
  nm_conf_path:
    description:
      - Where NetworkManager is installed (whatever the backend), write RKE2's NetworkManager fix here, a
        C([keyfile] unmanaged-devices) drop-in listing I(nm_unmanaged_devices); part of the diff and of the rollback.
        NetworkManager is reloaded when it changed and runs. Empty writes nothing.
    type: str
    default: ""
  nm_unmanaged_devices:
    description: The C(unmanaged-devices) entries of I(nm_conf_path) (the CNI's devices).
    type: list
    elements: str
    default: []
  rke2_data_dir:
    description: RKE2's data directory; when RKE2 is installed and I(nm_conf_path) changes, a warning says to reboot.
    type: path
    default: /var/lib/rancher/rke2
notes:
  - The rollback timer is transient (systemd-run); for a reboot inside the window the module installs and enables
    C(multihomed-nic-rollback-boot.service) (ordered before network-pre.target, systemd-networkd and
    NetworkManager), which restores a pending change at boot; confirmation removes the pending change, so the unit
    then does nothing.
  - Activation for netplan is C(netplan generate), C(networkctl reload), C(networkctl reconfigure) of the planned
    devices (what C(netplan apply) does for networkd, without udev); for NetworkManager, C(nmcli connection reload)
    and C(nmcli connection up) of the changed profiles in order.
seealso:
  - name: netplan YAML reference
    description: The keys of the netplan file the module writes.
    link: https://netplan.readthedocs.io/en/stable/netplan-yaml/
  - name: NetworkManager keyfile format
    description: The keys of the keyfiles the module writes.
    link: https://networkmanager.dev/docs/api/latest/nm-settings-keyfile.html
"""

EXAMPLES = r"""
- name: Preflight (nothing changes anywhere)
  multihomed.rke2.nic_plan:
    plan: "{{ multihomed_report.plans[inventory_hostname] }}"
    host: "{{ inventory_hostname }}"
  check_mode: true
  register: nic_preflight

- name: Apply with a 60 s commit-confirmed rollback
  multihomed.rke2.nic_plan:
    plan: "{{ multihomed_report.plans[inventory_hostname] }}"
    host: "{{ inventory_hostname }}"
  register: nic_applied

- name: Confirm over the normal connection
  multihomed.rke2.nic_plan:
    plan: "{{ multihomed_report.plans[inventory_hostname] }}"
    host: "{{ inventory_hostname }}"
    state: confirmed
  when: nic_applied.armed
"""

RETURN = r"""
changed:
  description: Whether files changed (or, in check mode, would change).
  type: bool
  returned: always
pending:
  description: Whether the host differs from the plan (files to write or remove, NICs to rename).
  type: bool
  returned: always
backend:
  description: The backend used.
  type: str
  returned: always
files:
  description: Every file the change writes or removes, with C(state) created, changed or removed.
  type: list
  returned: always
problems:
  description: What stops the plan on this host (devices, backend, validation); a failure unless in check mode.
  type: list
  returned: always
networks:
  description: Per network what is live against the plan (device, planned, seen, missing, extra, mtu, default_route_ok).
  type: dict
  returned: always
networks_changed:
  description: Networks whose plan differs from the last confirmed one.
  type: list
  returned: always
armed:
  description: Whether a rollback is armed and waits for C(state=confirmed).
  type: bool
  returned: always
change_id:
  description: The armed change (pass it to C(state=confirmed) and C(state=rolled_back)).
  type: str
  returned: when armed
seen:
  description: What each network has now (device, exists, mtu, address); peers ping these.
  type: dict
  returned: always
rollback:
  description: What a rollback restored (C(state=rolled_back), or a failed confirmation).
  type: dict
  returned: when a rollback ran
restored:
  description: Per network what is live after a rollback the module ran (C(networks) then holds the state at the
    moment of the failure).
  type: dict
  returned: when the module rolled back
connection:
  description:
    - Where I(connection_address) is on the host (C(network), C(device)), whether the plan moves it (C(moved)) and
      to which C(new_address).
  type: dict
  returned: always
"""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.multihomed.rke2.plugins.module_utils import nic_apply
from ansible_collections.multihomed.rke2.plugins.module_utils import nic_rollback
from ansible_collections.multihomed.rke2.plugins.module_utils import nic_state
from ansible_collections.multihomed.rke2.plugins.module_utils import nic_verify
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import CollectionError
from ansible_collections.multihomed.rke2.plugins.module_utils.host_files import atomic_write
from ansible_collections.multihomed.rke2.plugins.module_utils.nic_config import check_plan

PENDING = os.path.join(nic_rollback.STATE_DIR, "pending")
APPLIED = os.path.join(nic_rollback.STATE_DIR, "applied.json")
ROLLED_BACK = os.path.join(nic_rollback.STATE_DIR, "rolled-back.json")


def run(args, **kw):
    proc = subprocess.run(args, capture_output=True, text=True, check=False, **kw)
    return proc.returncode, proc.stdout, proc.stderr


def read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), os.stat(path).st_mode & 0o7777
    except OSError:
        return None


def unit_states(units, shown):
    """Each unit's state from one ``systemctl show -p LoadState,ActiveState <units>``: a block of properties per
    unit, in the order asked. ``absent`` when not loaded (not-found), else ActiveState (what ``is-active`` prints)."""
    blocks = [dict(line.partition("=")[::2] for line in block.splitlines() if "=" in line)
              for block in shown.strip().split("\n\n")]
    blocks += [{}] * (len(units) - len(blocks))
    return {unit: props.get("ActiveState", "unknown") if props.get("LoadState") == "loaded" else "absent"
            for unit, props in zip(units, blocks)}


def probe():
    """Unit states and tools, as the role's probe printed them."""
    units = ("NetworkManager", "systemd-networkd", "nm-cloud-setup")
    out = unit_states(units, run(["systemctl", "show", "-p", "LoadState,ActiveState"]
                                 + [u + ".service" for u in units])[1])
    out["netplan"] = shutil.which("netplan") is not None
    out["nmcli"] = shutil.which("nmcli") is not None
    return out


def facts():
    """Interface names and MACs from /sys/class/net, shaped like gathered facts (nic_state.devices reads those)."""
    out = {"interfaces": []}
    for path in sorted(glob.glob("/sys/class/net/*")):
        name = os.path.basename(path)
        out["interfaces"].append(name)
        mac = (read(os.path.join(path, "address")) or ("", 0))[0].strip()
        out[name.replace("-", "_").replace(".", "_")] = {"macaddress": mac}
    return out


def os_family():
    """Ansible's os_family for the common distributions, from /etc/os-release (ID and ID_LIKE)."""
    ids = []
    for line in (read("/etc/os-release") or ("", 0))[0].splitlines():
        key, _sep, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids += value.strip('"').lower().split()
    for family, names in (("Debian", ("debian", "ubuntu")), ("RedHat", ("rhel", "fedora", "centos")),
                          ("Suse", ("suse", "opensuse", "sles"))):
        if any(i in names or i.startswith(names) for i in ids):
            return family
    return ids[0] if ids else "unknown"


def seen_now(plan, state=None):
    """nic_state.seen over the host's ``ip`` state (read now unless given), which takes ``ip -j`` output lines."""
    return nic_state.seen(plan, [json.dumps(x) for x in (state or ip_state())])


def ip_state():
    """``ip -j addr show``, ``ip -j -4 route show default``, ``ip -j -6 route show default``, parsed."""
    links = json.loads(run(["ip", "-j", "addr", "show"])[1] or "[]")
    routes = json.loads(run(["ip", "-j", "-4", "route", "show", "default"])[1] or "[]")
    routes6 = json.loads(run(["ip", "-j", "-6", "route", "show", "default"])[1] or "[]")
    return links, routes, routes6


class NicPlan:
    def __init__(self, module):
        self.m = module
        self.p = module.params
        self.plan = self.p["plan"]
        self.host = self.p["host"]

    def fail(self, msg, **kw):
        self.m.fail_json(msg=f"host '{self.host}': {msg}", **kw)

    def resolve(self, probed, problems):
        backend = self.p["backend"]
        if backend == "auto":
            family = os_family()
            backend = (self.p["backend_by_os_family"] or {}).get(family)
            if family == "Debian" and not probed["netplan"] and probed["NetworkManager"] != "absent":
                backend = "networkmanager"
            if backend is None:
                backend = "netplan" if probed["netplan"] else "networkmanager" if probed["nmcli"] else None
            if backend not in ("netplan", "networkmanager"):
                problems.append(f"host '{self.host}': no backend for os_family {family}; set node_network_backend "
                                "to netplan or networkmanager")
                return None
        tool, unit = ("netplan", "systemd-networkd") if backend == "netplan" else ("nmcli", "NetworkManager")
        if not probed[tool]:
            problems.append(f"host '{self.host}': backend {backend} needs {tool}, which is not installed")
        elif self.p["apply"] and self.plan and probed[unit] != "active":
            problems.append(f"host '{self.host}': backend {backend} applies through {unit}, which is {probed[unit]} "
                            "(start it, or set node_network_apply: false to only write the configuration)")
        return backend

    def opts(self, backend, probed):
        keys = ("netplan_file", "netplan_renderer", "networkd_dir", "networkd_prefix", "nm_dir", "nm_prefix",
                "nm_priority", "nm_unmanaged_devices")
        # RKE2's NetworkManager fix goes wherever NetworkManager is installed, whatever the backend.
        conf = self.p["nm_conf_path"] if probed["NetworkManager"] != "absent" else None
        return dict({k: self.p[k] for k in keys}, backend=backend, nm_conf_path=conf or None)

    def survey(self, probed, problems):
        """Everything state=present needs to decide: files, changes, devices, live state."""
        backend = self.resolve(probed, problems)
        devices = nic_state.devices(self.plan, facts(), self.host)
        problems += devices["problems"]
        links, routes, routes6 = ip_state()
        out = {"backend": backend, "renames": devices["renames"], "changes": [], "warnings": [],
               "live": nic_apply.live(self.plan, links, routes), "links": [link["ifname"] for link in links],
               "seen": seen_now(self.plan, (links, routes, routes6))["seen"]}
        if backend is None:
            return out
        if backend == "netplan" and nic_apply.yaml is None:
            problems.append(f"host '{self.host}': writing netplan files needs PyYAML on the host (python3-yaml)")
            return out
        opts = self.opts(backend, probed)
        desired = nic_apply.desired_files(self.plan, opts)
        current = {path: got for path, got in ((p, read(p)) for p in desired) if got is not None}
        if backend == "netplan":
            pattern = os.path.join(opts["networkd_dir"], "**", opts["networkd_prefix"] + "*")
        else:
            pattern = os.path.join(opts["nm_dir"], opts["nm_prefix"] + "*.nmconnection")
        stale = [p for p in sorted(glob.glob(pattern, recursive=True))
                 if os.path.isfile(p) and p not in desired and nic_apply.owned(p, opts)]
        if backend == "networkmanager" and not self.p["nm_remove_stale"]:
            stale = []
        current.update({p: read(p) for p in stale})
        taken = {}
        if backend == "netplan":
            foreign = {}
            for path in glob.glob("/etc/netplan/*.yaml") + glob.glob("/run/netplan/*.yaml"):
                got = read(path) if path != opts["netplan_file"] else None
                if got:
                    foreign[path] = got[0]
                    current[path] = got
            taken = nic_apply.takeover(self.plan, foreign)
            if taken and not self.p["netplan_takeover"]:
                problems += [f"host '{self.host}': {p} also configures {', '.join(t['devices'])} (netplan merges it "
                             "with ours); set node_network_netplan_takeover: true or remove it" for p, t in taken.items()]
                taken = {}
            out["warnings"] += [f"{p} configured {', '.join(t['devices'])}: taken over by the network model"
                                + (f" ({t['note']})" if t["note"] else "") for p, t in taken.items()]
        out.update(opts=opts, changes=nic_apply.changes(desired, current, stale, taken))
        if opts["nm_conf_path"] in {c["path"] for c in out["changes"]} and \
                os.path.exists(os.path.join(self.p["rke2_data_dir"], "agent")):
            out["warnings"].append(f"{opts['nm_conf_path']} changes and RKE2 is already installed here: the RKE2 docs "
                                   "(known issues) say the node must be rebooted for NetworkManager to leave the CNI "
                                   "devices alone")
        if out["changes"] and not problems:
            problems += self.validate(backend, out["changes"], probed)
        return out

    def validate(self, backend, changes, probed):
        """Check the resulting files as the backend will read them; nothing on the host changes."""
        if backend == "netplan":
            root = tempfile.mkdtemp(prefix="multihomed-netplan-")
            try:
                os.makedirs(os.path.join(root, "etc/netplan"))
                for path in glob.glob("/etc/netplan/*.yaml"):
                    shutil.copy(path, os.path.join(root, "etc/netplan"))
                for c in changes:
                    if posix_dir(c["path"]) != "/etc/netplan":
                        continue
                    target = os.path.join(root, "etc/netplan", os.path.basename(c["path"]))
                    if c["state"] == "removed":
                        os.unlink(target)
                    elif c["path"].endswith(".yaml"):
                        atomic_write(target, c["after"], 0o600)
                rc, out, err = run(["netplan", "generate", "--root-dir", root])
            finally:
                shutil.rmtree(root, ignore_errors=True)
            return [] if rc == 0 else [f"host '{self.host}': netplan generate rejects the result: {(err or out).strip()}"]
        problems = []
        # nmcli --offline parses keyfiles without a running daemon; an nmcli without that option skips this check.
        if not probed["nmcli"] or run(["nmcli", "--offline", "--version"])[0] != 0:
            return problems
        for c in changes:
            if c["state"] != "removed" and c["path"].endswith(".nmconnection"):
                rc, _out, err = run(["nmcli", "--offline", "connection", "modify", "connection.autoconnect", "yes"],
                                    input=c["after"])
                if rc != 0:
                    problems.append(f"host '{self.host}': nmcli rejects {c['path']}: {err.strip()}")
        return problems

    def result(self, s, problems, **kw):
        """The result every state returns; ``seen`` is what each network has now (peers ping these)."""
        files = [{"path": c["path"], "state": c["state"]} for c in s["changes"]]
        if "seen" not in kw:
            kw["seen"] = s["seen"] if "seen" in s else seen_now(self.plan)["seen"]
        previous = self.previous_plan()
        pending = bool(s["changes"] or s["renames"])
        kw.setdefault("connection", nic_verify.connection(s["live"]["networks"], self.p["connection_address"],
                                                          self.p["renumber"], self.host))
        return dict(changed=pending, pending=pending, backend=s["backend"], files=files,
                    problems=problems, networks=s["live"]["networks"], default_routes=s["live"]["default_routes"],
                    networks_changed=nic_apply.networks_changed(self.plan, previous), renames=s["renames"],
                    diff=nic_apply.diffs(s["changes"]), armed=False, **kw)

    def present(self):
        problems = []
        probed = probe()
        s = self.survey(probed, problems)
        res = self.result(s, problems, probe=probed)
        if res["connection"]["problem"]:
            problems.append(res["connection"]["problem"])
        for warning in s["warnings"]:
            self.m.warn(warning)
        if self.m.check_mode or not res["changed"]:
            if problems and not self.m.check_mode:
                self.fail("; ".join(problems), **res)
            self.m.exit_json(**res)
        if problems:
            self.fail("; ".join(problems), **res)
        if os.path.isdir(PENDING):
            self.fail("a previous network change is not confirmed yet: its rollback is armed (run state=confirmed "
                      "or state=rolled_back, or wait for the rollback)", **res)
        if not self.p["apply"]:
            self.write(s["changes"])
            self.m.exit_json(**res)
        self.arm(s, res)
        self.write(s["changes"])
        res["armed"] = True
        # Activation runs here, in this call: if it cuts the path back to the controller, this result is lost (the
        # controller sees the host unreachable), the host keeps its timer and rolls back by itself.
        run(["/bin/sh", os.path.join(PENDING, "apply.sh")])
        res["seen"] = self.verify_local(res)
        res["networks"] = nic_apply.live(self.plan, *ip_state()[:2])["networks"]
        self.m.exit_json(**res)

    def verify_local(self, res):
        """After activation: it succeeded, the planned addresses came (DHCP within verify_timeout), MTUs and the
        one default route are as planned. Anything else rolls back now."""
        rc = (read(os.path.join(PENDING, "apply.rc")) or ("none", 0))[0].strip()
        if rc != "0":
            log = (read(os.path.join(PENDING, "apply.log")) or ("", 0))[0].strip()
            self.rollback(f"the activation failed (exit {rc}): {log[-400:]}", res)
        deadline = time.time() + self.p["verify_timeout"]
        while True:  # addresses (DHCP leases), routes and MTUs settle after networkd/NM report the link up
            state = seen_now(self.plan)
            bad = nic_state.problems(self.plan, state, self.p["verify_timeout"])
            if not bad or time.time() >= deadline:
                break
            time.sleep(0.3)
        if bad:
            self.rollback("; ".join(bad), res)
        return state["seen"]

    def arm(self, s, res):
        """Back up every file the change touches, write the scripts, start the rollback timer. Everything is made in
        ``pending.new`` and renamed to ``pending`` at once: a host that goes down halfway through never has a pending
        change without its restore script (the boot unit would not run, and the next change would be refused)."""
        os.makedirs(nic_rollback.STATE_DIR, mode=0o700, exist_ok=True)
        staging = PENDING + ".new"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(os.path.join(staging, "backup"), mode=0o700)
        if os.path.exists(ROLLED_BACK):
            os.unlink(ROLLED_BACK)
        files, new_dirs = [], []
        for i, c in enumerate(s["changes"]):
            before = read(c["path"])
            if before is not None:
                shutil.copy2(c["path"], os.path.join(staging, "backup", str(i)))
            files.append({"path": c["path"], "existed": before is not None, "mode": before[1] if before else 0,
                          "backup": str(i)})
            parent = os.path.dirname(c["path"])
            while parent not in ("/", "") and not os.path.isdir(parent) and parent not in new_dirs:
                new_dirs.append(parent)
                parent = os.path.dirname(parent)
        backend, plan = s["backend"], self.plan
        devices = sorted(set(nic_apply.planned_devices(plan)) | set(self.previous_devices()))
        nm_new = [p["id"] for p in nic_apply.nm_profiles(plan, s["opts"])
                  if p["path"] in {c["path"] for c in s["changes"] if c["state"] != "removed"}] \
            if backend == "networkmanager" else []
        restore_ids = [os.path.basename(f["path"])[:-len(".nmconnection")] for f in files
                       if f["existed"] and f["path"].endswith(".nmconnection")]
        manifest = {"host": self.host, "dir": PENDING, "backend": backend, "files": files, "renames": s["renames"],
                    "new_dirs": sorted(new_dirs, key=lambda d: -d.count("/")),
                    "new_links": [d for d in nic_apply.planned_devices(plan) if d not in s["links"]],
                    "devices": devices, "restore_nm_ids": restore_ids, "networks": res["networks_changed"],
                    "armed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "timeout": self.p["rollback_timeout"],
                    "change_id": "%x-%d" % (int(time.time() * 1000), os.getpid()),
                    "reload_nm": s["opts"]["nm_conf_path"] in {c["path"] for c in s["changes"]}}
        atomic_write(os.path.join(staging, "manifest.json"), json.dumps(manifest, indent=1), 0o600)
        atomic_write(os.path.join(staging, "restore.sh"), nic_rollback.restore_script(manifest), 0o700)
        atomic_write(os.path.join(staging, "apply.sh"),
                     nic_apply.apply_script(s["renames"], backend, devices, nm_new, manifest["reload_nm"]), 0o700)
        self.install_boot_unit(res)
        os.rename(staging, PENDING)
        run(["systemctl", "reset-failed", nic_rollback.ROLLBACK_UNIT + ".service"])
        rc, _out, err = run(["systemd-run", "--quiet", "--unit", nic_rollback.ROLLBACK_UNIT,
                             "--on-active=%d" % self.p["rollback_timeout"], "--timer-property=AccuracySec=1s",
                             "/bin/sh", os.path.join(PENDING, "restore.sh"), "timer"])
        if rc != 0:
            shutil.rmtree(PENDING, ignore_errors=True)
            self.fail("cannot arm the rollback timer (nothing was changed): " + err.strip(), **res)
        res["change_id"] = manifest["change_id"]

    def install_boot_unit(self, res):
        """The unit that rolls back at boot a change still pending (nic_rollback): written and enabled once, before
        anything of the change is written; a failure leaves nothing armed."""
        unit = nic_rollback.boot_unit()
        if (read(nic_rollback.BOOT_UNIT_PATH) or ("", 0))[0] != unit:
            atomic_write(nic_rollback.BOOT_UNIT_PATH, unit, 0o644)
            run(["systemctl", "daemon-reload"])
        rc, _out, err = run(["systemctl", "enable", "--quiet", nic_rollback.BOOT_UNIT + ".service"])
        if rc != 0:
            shutil.rmtree(PENDING + ".new", ignore_errors=True)
            self.fail("cannot enable the boot-time rollback unit (nothing was changed): " + err.strip(), **res)

    def previous_plan(self):
        """The last confirmed plan (None when there is none)."""
        return json.loads((read(APPLIED) or ("null", 0))[0])

    def previous_devices(self):
        return nic_apply.planned_devices(self.previous_plan() or [])

    def write(self, changes):
        for c in changes:
            if c["state"] == "removed":
                if os.path.lexists(c["path"]):
                    os.unlink(c["path"])
            else:
                atomic_write(c["path"], c["after"], c["mode"])

    def rollback(self, why, res):
        # What the host had at the moment of the failure (the result's networks), then what the rollback left.
        links, routes = ip_state()[:2]
        at_failure = nic_apply.live(self.plan, links, routes)
        res.update(networks=at_failure["networks"], default_routes=at_failure["default_routes"])
        rc, out, err = run(["/bin/sh", os.path.join(PENDING, "restore.sh"), "verify"])
        res["restored"] = nic_apply.live(self.plan, *ip_state()[:2])["networks"]
        report = self.report()
        nets = ", ".join(f"'{n}'" for n in report.get("networks") or res.get("networks_changed") or []) or "none"
        files = ", ".join(report.get("files") or []) or "none"
        res.update(rollback=report, armed=False, changed=True)
        self.fail(f"networks {nets}: {why}; rolled back (restored {files})"
                  + ("" if rc == 0 else f"; the rollback itself failed: {(err or out).strip()}"), **res)

    def confirmed(self):
        """Verify and disarm the pending change (``change_id`` from its apply); with none pending, a health check."""
        res = self.result(EMPTY, [])
        change = self.p["change_id"]
        if (change or self.p["expect_pending"]) and not os.path.isdir(PENDING):
            report = self.report()
            if report and (not change or report.get("change_id") == change):
                res["rollback"] = report
                self.fail(self.rolled_back_msg(report, "the change was not confirmed in time"), **res)
            self.fail(f"the change {change or ''} is not pending on the host any more", **res)
        if os.path.isdir(PENDING):
            manifest = json.loads(read(os.path.join(PENDING, "manifest.json"))[0])
            res["networks_changed"] = manifest["networks"]
            seen = self.verify_local(res)
            failures = self.ping()
            if failures:
                self.rollback("; ".join(failures), res)
            self.disarm()
            res.update(changed=True, seen=seen, networks=nic_apply.live(self.plan, *ip_state()[:2])["networks"])
            self.m.exit_json(**res)
        state = seen_now(self.plan)
        bad = nic_state.problems(self.plan, state, 0) + self.ping()
        if bad:
            self.fail("; ".join(bad), **res)
        self.m.exit_json(**res)

    def report(self):
        return json.loads((read(ROLLED_BACK) or ("{}", 0))[0])

    def rolled_back_msg(self, report, what):
        """``what`` happened (a sentence), then what the host restored and when."""
        nets = ", ".join(f"'{n}'" for n in report.get("networks") or []) or "none"
        return (f"networks {nets}: {what}: the host rolled the change back by itself ({report.get('reason')}, "
                f"{report.get('timeout')} s after {report.get('armed_at')}, at {report.get('at')}); restored "
                f"{', '.join(report.get('files') or []) or 'nothing'}")

    def ping(self):
        """Ping every target (3 tries), then, where the target has an ``mtu`` and answered, with full-size packets
        that must not be fragmented. Returns the failures as messages (nic_verify.judge_pings, judge_mtu) and warns
        about the rest."""
        targets = self.p["ping_targets"]
        results = [self.ping_one(t) for t in targets]
        failures, warnings = nic_verify.judge_pings(targets, results)
        failures = ["no reply on " + f for f in failures]
        sized = [t for t, r in zip(targets, results) if r == "0" and nic_verify.mtu_payload(t["target"], t.get("mtu"))]
        mtu_failures, mtu_warnings = nic_verify.judge_mtu(sized, [self.ping_one(t, full_size=True) for t in sized])
        for warning in warnings:
            self.m.warn(f"host '{self.host}': no reply on {warning} (other peers answer: that peer's problem)")
        for warning in mtu_warnings:
            self.m.warn(f"host '{self.host}': {warning}")
        return failures + mtu_failures

    def ping_one(self, t, full_size=False):
        """``0`` when ``t`` answers (3 tries), routed as the host routes it and leaving through the network's device;
        with ``full_size``, packets of the target's MTU that must not be fragmented (``-M do``): the target answered
        a default-size ping already, so one ping of three packets 0.2 s apart (any reply will do)."""
        if full_size:
            size = str(nic_verify.mtu_payload(t["target"], t["mtu"]))
            return "0" if run(["ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", str(self.p["ping_timeout"]),
                               "-M", "do", "-s", size, t["target"]])[0] == 0 else "1"
        for attempt in range(3):
            # No -I: binding to the device would hide a wrong prefix; the route must leave through the device.
            route = json.loads(run(["ip", "-j", "route", "get", t["target"]])[1] or "[{}]")
            if (route or [{}])[0].get("dev") == t["device"] and run(
                    ["ping", "-n", "-q", "-c", "1", "-W", str(self.p["ping_timeout"]), t["target"]])[0] == 0:
                return "0"
            time.sleep(1 if attempt < 2 else 0)
        return "1"

    def disarm(self):
        import fcntl  # pylint: disable=import-outside-toplevel
        with open(os.path.join(nic_rollback.STATE_DIR, "lock"), "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.isdir(PENDING):
                self.fail("the rollback ran while the change was being confirmed")
            run(["systemctl", "stop", nic_rollback.ROLLBACK_UNIT + ".timer"])
            atomic_write(APPLIED, json.dumps(self.plan, indent=1, sort_keys=True), 0o600)
            shutil.rmtree(PENDING)

    def rolled_back(self):
        """Make sure a pending change is rolled back (now, when its timer has not done it), report what was restored;
        with ``reason`` (why the controller got here), fail with it, naming the networks and files."""
        res = self.result(EMPTY, [])
        if os.path.isdir(PENDING):
            run(["/bin/sh", os.path.join(PENDING, "restore.sh"), "requested"])
            res["changed"] = True
        report = self.report()
        res.update(rollback=report, networks=nic_apply.live(self.plan, *ip_state()[:2])["networks"])
        change = self.p["change_id"]
        if self.p["reason"]:
            if report and (not change or report.get("change_id") == change):
                self.fail(self.rolled_back_msg(report, self.p["reason"]) + "; it answers again on its previous "
                          "configuration", **res)
            self.fail(f"{self.p['reason']}; no rollback of this change is recorded on the host", **res)
        self.m.exit_json(**res)


EMPTY = {"backend": None, "renames": [], "changes": [], "warnings": [], "live": {"networks": {}, "default_routes": []}}


def posix_dir(path):
    return os.path.dirname(path)


def main():
    module = AnsibleModule(argument_spec=dict(
        plan=dict(type="list", elements="dict", required=True), host=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "confirmed", "rolled_back"], default="present"),
        backend=dict(type="str", choices=["auto", "netplan", "networkmanager"], default="auto"),
        backend_by_os_family=dict(type="dict", default={"Debian": "netplan", "RedHat": "networkmanager",
                                                        "Suse": "networkmanager"}),
        apply=dict(type="bool", default=True), rollback_timeout=dict(type="int", default=60),
        verify_timeout=dict(type="int", default=30), ping_timeout=dict(type="int", default=2),
        ping_targets=dict(type="list", elements="dict", default=[]),
        change_id=dict(type="str"), reason=dict(type="str"), expect_pending=dict(type="bool", default=False),
        connection_address=dict(type="str", default=""), renumber=dict(type="bool", default=False),
        netplan_file=dict(type="path", default="/etc/netplan/60-multihomed.yaml"),
        netplan_renderer=dict(type="str", default="networkd"),
        networkd_dir=dict(type="path", default="/etc/systemd/network"),
        networkd_prefix=dict(type="str", default="60-multihomed-"),
        netplan_takeover=dict(type="bool", default=True),
        nm_dir=dict(type="path", default="/etc/NetworkManager/system-connections"),
        nm_prefix=dict(type="str", default="multihomed-"), nm_priority=dict(type="int", default=100),
        nm_remove_stale=dict(type="bool", default=True), nm_conf_path=dict(type="str", default=""),
        nm_unmanaged_devices=dict(type="list", elements="str", default=[]),
        rke2_data_dir=dict(type="path", default="/var/lib/rancher/rke2")), supports_check_mode=True)
    try:
        check_plan(module.params["plan"])
    except CollectionError as exc:
        module.fail_json(msg=f"host '{module.params['host']}': {exc}")
    nic = NicPlan(module)
    {"present": nic.present, "confirmed": nic.confirmed, "rolled_back": nic.rolled_back}[module.params["state"]]()


if __name__ == "__main__":
    main()
