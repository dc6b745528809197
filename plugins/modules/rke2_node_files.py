#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rke2_node_files
short_description: Write a node's RKE2 config.yaml, drop-ins and server manifests in one call, guarded
description:
  - Builds the node's C(config.yaml) from the network model's values (node-ip on the cluster network, the join URL,
    tls-san, cni, CIDRs), renders the drop-ins and, on servers, the HelmChartConfigs, and compares them with the
    files on the node (text and mode).
  - Checks, before anything is written, the rules between the role's variables, that a join token is given, and on a
    bootstrapped server (C(<data_dir>/server/db) exists) that no setting RKE2 cannot change on a running cluster
    (cni, cluster-cidr, service-cidr, IP families, the canal backend) differs from the files.
  - Writes only what changed, atomically, root-owned with mode 0600 (config.yaml holds the token), creates the
    directories, and removes the HelmChartConfigs of components switched off.
  - In check mode nothing is written; the result holds the full diff (tokens masked) and the problems found, without
    failing, so a caller can judge every node before any node changes. Outside check mode a problem fails the call.
  - Also reports the installed RKE2 version (I(binary)) and warns when firewalld is active (I(probe_host)).
version_added: 0.1.0
author:
  - multihomed.rke2 contributors (@multihomed)
options:
  host:
    description: The node's inventory name, for messages.
    type: str
    required: true
  node:
    description:
      - The node's settings, the fields of C(NodeConfig) in C(plugins/module_utils/rke2_config.py) except C(host),
        C(token) and C(agent_token) (server, bootstrap, node_name, node_ip, bootstrap_ip, server_ips, cni, ...).
    type: dict
    required: true
  token:
    description: The cluster join token (rke2_token). Never logged; written to config.yaml only.
    type: str
    required: true
  agent_token:
    description: The agent join token (rke2_agent_token), optional. Never logged.
    type: str
    default: ""
  settings:
    description:
      - The role variables the cross-variable rules read, the fields of C(Settings) in
        C(plugins/module_utils/rke2_preflight.py) except C(host) and C(dropins) (taken from O(dropins)). Omitted,
        those rules are not checked.
    type: dict
    default: {}
  config_dir:
    description: RKE2's configuration directory.
    type: path
    default: /etc/rancher/rke2
  dropins:
    description: Drop-in file name (without C(.yaml)) to mapping, written to C(<config_dir>/config.yaml.d/).
    type: dict
    default: {}
  manifests:
    description:
      - Server manifests, written on servers only to C(<data_dir>/server/manifests/<file>); C(present=false) removes
        the file. Each item has C(file), C(present) and C(content) (the manifest as data).
    type: list
    elements: dict
    default: []
  header:
    description: Comment written on top of every file (the role passes C(ansible_managed | comment)).
    type: str
    default: "#\n# Ansible managed\n#"
  canal_backend:
    description: The canal backend the inventory asks for, compared on a running cluster (rke2_canal_backend).
    type: str
    default: vxlan
  binary:
    description: Path of the rke2 binary; its C(--version) is reported as C(installed_version). Empty, not read.
    type: str
    default: ""
  probe_host:
    description: Look whether firewalld is active (a warning; RKE2's known issues) and read I(binary).
    type: bool
    default: true
notes:
  - Needs PyYAML (python3-yaml) on the node.
  - Supports check mode and diff mode.
seealso:
  - name: RKE2 configuration file
    description: config.yaml and its drop-ins, as RKE2 reads them.
    link: https://docs.rke2.io/install/configuration
  - name: RKE2 HelmChartConfig
    description: customising packaged components with HelmChartConfig manifests.
    link: https://docs.rke2.io/helm
"""

EXAMPLES = r"""
- name: Write config.yaml and the HelmChartConfigs (the rke2 role builds these options from the network model)
  multihomed.rke2.rke2_node_files:
    host: "{{ inventory_hostname }}"
    token: "{{ rke2_token }}"
    node:
      server: true
      bootstrap: true
      node_name: cpl-1
      node_ip: 172.16.40.11
      bootstrap_ip: 172.16.40.11
      server_ips: [172.16.40.11]
      cni: [multus, canal]
    manifests:
      - file: rke2-canal-config.yaml
        present: true
        content: {apiVersion: helm.cattle.io/v1, kind: HelmChartConfig,
                  metadata: {name: rke2-canal, namespace: kube-system},
                  spec: {valuesContent: "flannel:\n  iface: ens192\n"}}
  notify: rke2 restart
"""

RETURN = r"""
files:
  description: Each path written or removed, with what was done (create, update, remove).
  returned: always
  type: dict
  sample: {/etc/rancher/rke2/config.yaml: update}
pending:
  description: Whether the node's files differ from what it should have (in check mode too; C(changed) says the same).
  returned: always
  type: bool
problems:
  description: What stops the change (check mode reports them here; otherwise the call fails with them).
  returned: always
  type: list
  elements: str
node:
  description: The node's name, node-ip, service and type, for the ordered rollout.
  returned: when the node's settings are valid
  type: dict
  sample: {name: cpl-1, ip: 172.16.40.11, service: rke2-server, server: true}
drift:
  description:
    - config.yaml against the inventory, for playbooks/drift.yml; C(diff) is C(changed_keys), C(before), C(after)
      with the tokens masked, C(immutable) the settings RKE2 cannot change that differ; C(error) when it could not
      compare.
  returned: when the node's settings are valid
  type: dict
installed_version:
  description: The version C(binary --version) reports, empty when not installed or not read.
  returned: always
  type: str
"""

import os
import subprocess

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_config as rc
from ansible_collections.multihomed.rke2.plugins.module_utils.host_files import atomic_write
from ansible_collections.multihomed.rke2.plugins.module_utils import rke2_files as rf


def read(path):
    """Text and mode of a file, (None, None) when absent."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None, None


def command_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def main():
    module = AnsibleModule(argument_spec=dict(
        host=dict(type="str", required=True), node=dict(type="dict", required=True),
        token=dict(type="str", required=True, no_log=True), agent_token=dict(type="str", default="", no_log=True),
        settings=dict(type="dict", default={}), config_dir=dict(type="path", default="/etc/rancher/rke2"),
        dropins=dict(type="dict", default={}), manifests=dict(type="list", elements="dict", default=[]),
        header=dict(type="str", default="#\n# Ansible managed\n#"), canal_backend=dict(type="str", default="vxlan"),
        binary=dict(type="str", default=""), probe_host=dict(type="bool", default=True)), supports_check_mode=True)
    p = module.params
    host = p["host"]
    if not rf.HAS_YAML:
        module.fail_json(msg=f"rke2 on {host}: the Python library PyYAML is missing on the node (install python3-yaml)")
    settings = dict(p["settings"], dropins=p["dropins"]) if p["settings"] else {}
    problems = rf.token_messages(host, p["token"]) + rf.settings_messages(host, settings)
    result = {"changed": False, "pending": False, "files": {}, "problems": problems, "installed_version": ""}

    if p["probe_host"]:
        if command_out(["systemctl", "is-active", "firewalld"]).strip() == "active":
            module.warn(rf.FIREWALLD_WARNING.format(host=host))
        if p["binary"] and os.path.exists(p["binary"]):
            result["installed_version"] = rf.installed_version(command_out([p["binary"], "--version"]))

    try:
        node = rc.NodeConfig.from_mapping(dict(p["node"], host=host, token=p["token"], agent_token=p["agent_token"]))
        config = rc.build_config(node)
        wanted = rf.wanted_files(node, config, p["config_dir"], p["header"], p["dropins"], p["manifests"])
    except (rc.Rke2ConfigError, KeyError, TypeError) as exc:
        problems.append(f"rke2 on {host}: {exc}")
        return finish(module, result)
    result["node"] = {"name": node.node_name, "ip": node.node_ip, "server": node.server,
                      "service": "rke2-server" if node.server else "rke2-agent"}

    current, modes = {}, {}
    for w in wanted:
        current[w.path], modes[w.path] = read(w.path)
    config_path = wanted[0].path
    canal_path = os.path.join(rf.manifests_dir(node.data_dir), rf.CANAL_MANIFEST)
    canal_now = current[canal_path] if canal_path in current else read(canal_path)[0]
    result["drift"] = {"path": config_path, "present": current[config_path] is not None,
                       "diff": rc.config_diff(current[config_path], config)}
    try:
        result["drift"]["immutable"] = rc.drifts(current[config_path], canal_now, config, p["canal_backend"])
    except rc.Rke2ConfigError as exc:
        result["drift"]["error"] = f"rke2 on {host}: {exc}"
    if node.server and os.path.isdir(os.path.join(node.data_dir, "server", "db")):
        if "error" in result["drift"]:
            problems.append(result["drift"]["error"] + "; RKE2 is bootstrapped here, so it is not overwritten")
        else:
            problems.extend(rf.guard_messages(host, result["drift"]["immutable"], node.data_dir))

    found = rf.changes(wanted, current, modes)
    dirs = {d: m for d, m in rf.directories(node, p["config_dir"], p["dropins"]).items()
            if not os.path.isdir(d) or (os.stat(d).st_mode & 0o7777) != m}
    result.update(changed=bool(found or dirs), pending=bool(found or dirs),
                  files={c.path: c.action for c in found}, diff=rf.diff_entries(found))
    if problems or module.check_mode:
        return finish(module, result)
    for directory, mode in dirs.items():
        os.makedirs(directory, mode=mode, exist_ok=True)
        os.chmod(directory, mode)
    for c in found:
        if c.action == "remove":
            os.unlink(c.path)
        else:
            atomic_write(c.path, c.after, c.mode)
    return finish(module, result)


def finish(module, result):
    if result["problems"] and not module.check_mode:
        result.pop("diff", None)
        module.fail_json(msg=" ".join(result["problems"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
