"""Verify molecule/rke2: every file the role rendered, parsed; rollout order; restarts only on change.

RKE2 does not run here: rke2-server.service / rke2-agent.service are LAYOUT STAND-INs installed by prepare.yml
(/bin/sleep infinity) that append the start time (epoch ns) to /var/lib/rke2-stub/starts on every start.
Converge, idempotence and side_effect ran over SSH (test_converged_over_ssh); this verifier looks through podman.
Sequence: converge (all start once, in order), idempotence (nothing restarts), side_effect (a label on the servers
only: the servers restart again, bootstrap first; the agent does not).
One probe per host (a single podman exec) collects files, modes and unit states; the tests assert on it.
The written files are also compared byte for byte with golden/<host>/, taken from the role before its Jinja moved
to Python (issue 11): a difference means the rendered output changed.
"""

import functools
import json
import os

import testinfra
import yaml

SERVERS = ["mh-rke2-cpl-1", "mh-rke2-cpl-2"]
AGENTS = ["mh-rke2-wrk-1"]
NODE_IP = {"mh-rke2-cpl-1": "198.18.41.11", "mh-rke2-cpl-2": "198.18.41.12", "mh-rke2-wrk-1": "198.18.41.21"}
TOKEN = "molecule-test-token-not-a-secret"
JOIN = "https://198.18.41.11:9345"
SIDE_EFFECT_LABEL = "multihomed.rke2/side-effect=true"
CONFIG = "/etc/rancher/rke2/config.yaml"
CANAL = "/var/lib/rancher/rke2/server/manifests/rke2-canal-config.yaml"
MULTUS = "/var/lib/rancher/rke2/server/manifests/rke2-multus-config.yaml"
STARTS = "/var/lib/rke2-stub/starts"
GOLDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden")

testinfra_hosts = ["podman://" + h for h in SERVERS + AGENTS]

PROBE = r"""
import json, os, subprocess
out = {"files": {}, "units": {}}
for p in %r:
    try:
        st = os.stat(p)
        out["files"][p] = {"mode": st.st_mode & 0o7777, "uid": st.st_uid, "gid": st.st_gid, "text": open(p).read()}
    except FileNotFoundError:
        out["files"][p] = None
for u in ("rke2-server", "rke2-agent"):
    show = subprocess.run(["systemctl", "show", u, "-p", "ActiveState,UnitFileState"], capture_output=True, text=True, check=False)
    out["units"][u] = dict(line.split("=", 1) for line in show.stdout.split())
print(json.dumps(out))
""" % ([CONFIG, CANAL, MULTUS, STARTS],)


@functools.lru_cache(maxsize=None)
def probe(name):
    host = testinfra.get_host("podman://" + name)
    return json.loads(host.check_output("python3 -c %s", PROBE))


def _name(host):
    return host.backend.get_hostname()


def _starts(name):
    return [int(line) for line in probe(name)["files"][STARTS]["text"].split()]


def _parsed(name, path):
    f = probe(name)["files"][path]
    assert f is not None, "%s: %s is missing" % (name, path)
    assert f["mode"] == 0o600 and f["uid"] == 0 and f["gid"] == 0, "%s: %s is not root:root 0600" % (name, path)
    assert f["text"].startswith("#"), "%s: ansible_managed comment expected on top of %s" % (name, path)
    return yaml.safe_load(f["text"])


def test_config_yaml(host):
    name = _name(host)
    cfg = _parsed(name, CONFIG)
    assert cfg["node-ip"] == NODE_IP[name]
    assert cfg["node-name"] == name
    assert cfg["token"] == TOKEN
    assert "agent-token" not in cfg
    if name in SERVERS:
        assert cfg["cni"] == ["multus", "canal"]
        assert cfg["node-taint"] == ["CriticalAddonsOnly=true:NoExecute"]
        assert cfg["tls-san"] == ["198.18.41.11", "198.18.41.12", "rke2.multihomed.test"]
        assert cfg["node-label"] == [SIDE_EFFECT_LABEL]
    else:
        for key in ("cni", "tls-san", "node-taint", "node-label"):
            assert key not in cfg, key
    if name == SERVERS[0]:
        assert "server" not in cfg
    else:
        assert cfg["server"] == JOIN


def test_files_byte_for_byte(host):
    name = _name(host)
    golden = sorted(os.listdir(os.path.join(GOLDEN, name)))  # <file>.golden (not .yaml: no linter reads them)
    written = {os.path.basename(p) + ".golden": f for p, f in probe(name)["files"].items() if f and p != STARTS}
    assert sorted(written) == golden, name
    for base in golden:
        with open(os.path.join(GOLDEN, name, base)) as f:
            assert written[base]["text"] == f.read(), "%s: %s differs from golden/%s/%s" % (name, base[:-7], name, base)


def test_helmchartconfigs(host):
    name = _name(host)
    if name in AGENTS:
        assert probe(name)["files"][CANAL] is None and probe(name)["files"][MULTUS] is None
        return
    canal, multus = _parsed(name, CANAL), _parsed(name, MULTUS)
    for doc, chart in ((canal, "rke2-canal"), (multus, "rke2-multus")):
        assert doc["apiVersion"] == "helm.cattle.io/v1"
        assert doc["kind"] == "HelmChartConfig"
        assert doc["metadata"] == {"name": chart, "namespace": "kube-system"}
        assert isinstance(doc["spec"]["valuesContent"], str)
    assert yaml.safe_load(canal["spec"]["valuesContent"]) == {
        "flannel": {"backend": "vxlan", "iface": "ens192"},
        "calico": {"ipAutoDetectionMethod": "cidr=198.18.41.0/24"},
    }
    # The storage attachment uses dhcp IPAM: the CNI DHCP daemon set is switched on, whereabouts is not.
    assert yaml.safe_load(multus["spec"]["valuesContent"]) == {
        "manifests": {"dhcpDaemonSet": True},
        "rke2-whereabouts": {"enabled": False},
    }


def test_converged_over_ssh(host):
    """The role reached the host as users reach VMs: sshd accepted the scenario's key for admin from the controller's
    address on the cluster network (molecule.yml connection_options, prepare.yml)."""
    log = host.check_output("journalctl -u ssh --no-pager -o cat")
    assert "Accepted publickey for admin from 198.18.41.250" in log, log[-2000:]


def test_service_enabled_and_running(host):
    name = _name(host)
    unit = "rke2-server" if name in SERVERS else "rke2-agent"
    assert probe(name)["units"][unit] == {"ActiveState": "active", "UnitFileState": "enabled"}
    other = "rke2-agent" if name in SERVERS else "rke2-server"
    assert probe(name)["units"][other]["ActiveState"] == "inactive"


def test_restarts_only_on_change():
    """Converge started every node once; idempotence restarted none; side_effect restarted the servers only."""
    counts = {h: len(_starts(h)) for h in SERVERS + AGENTS}
    assert counts == {"mh-rke2-cpl-1": 2, "mh-rke2-cpl-2": 2, "mh-rke2-wrk-1": 1}


def test_rollout_order():
    """Bootstrap server first, then the other server, then the agent (the stub logs on a clock all share)."""
    starts = {h: _starts(h) for h in SERVERS + AGENTS}
    first = [starts[h][0] for h in SERVERS + AGENTS]
    assert first == sorted(first), starts
    second = [starts[h][1] for h in SERVERS]
    assert second == sorted(second), starts
    assert second[0] > first[-1], "side_effect restarts come after the converge rollout"
