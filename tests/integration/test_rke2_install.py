"""multihomed.rke2.rke2 install, guard and preflight paths, run for real against one podman container.

RKE2 binaries cannot be obtained here, so the release is a LAYOUT FIXTURE (tests/fixtures/rke2/build_layout_fixture.py):
a tarball with RKE2's layout whose bin/rke2 is a shell script, its sha256sum-amd64.txt, and dummy image archives.
  - tarball method: served by `python3 -m http.server` bound to 127.0.0.1 INSIDE the container (no network at all);
  - airgap method: artifacts in a directory on the controller;
  - a wrong checksum and a tampered image archive must fail with a clear message and install nothing;
  - the running-cluster guard must refuse cni / cluster-cidr / canal backend changes naming both values;
  - a missing rke2_token must fail clearly;
  - the primary CNI's HelmChartConfig (calico, cilium, flannel), the version check and the firewalld warning.
Run: cd /work/main && .venv/bin/pytest -p no:cacheprovider tests/integration/test_rke2_install.py
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures", "rke2"))
import build_layout_fixture  # noqa: E402

IMAGE = "localhost/multihomed-rke2-node:bookworm"
PLAYBOOK = os.path.join(ROOT, "tests", "integration", "playbooks", "rke2_install.yml")
V1, V2, V3 = "v1.31.5+rke2r1", "v1.31.6+rke2r1", "v1.32.1+rke2r1"
IMAGES = ["rke2-images-core.linux-amd64.tar.zst", "rke2-images-multus.linux-amd64.tar.zst",
          "rke2-images-canal.linux-amd64.tar.zst"]
PORT = 18080
# Container name -> PID of its init. Ansible and the checks enter the container with nsenter: a `podman exec` costs
# about 250 ms here, and a task over the podman connection makes five of them.
PIDS = {}

pytestmark = pytest.mark.skipif(shutil.which("podman") is None, reason="needs podman")


def _run(*cmd, check=True):
    return subprocess.run(cmd, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """One systemd container, no network, named after this test; removed at the end."""
    if _run("podman", "image", "exists", IMAGE, check=False).returncode != 0:
        pytest.skip("image %s missing (make setup builds it)" % IMAGE)
    name = "mh-rke2-install-%s" % uuid.uuid4().hex[:6]
    _run("podman", "run", "-d", "--name", name, "--hostname", name, "--network", "none", "--systemd", "always",
         IMAGE, "/sbin/init")
    try:
        # Just after `podman run`, systemd may not have its bus yet (systemctl prints nothing): ask again.
        for _attempt in range(60):
            if _run("podman", "exec", name, "systemctl", "is-system-running", "--wait", check=False).stdout.strip():
                break
            time.sleep(0.5)
        PIDS[name] = _run("podman", "container", "inspect", "--format", "{{.State.Pid}}", name).stdout.strip()
        yield name
    finally:
        _run("podman", "rm", "-f", "-t", "0", name, check=False)


@pytest.fixture(scope="module")
def releases(tmp_path_factory, node):
    """LAYOUT FIXTURE releases on the controller, and the same copied into the container and served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("rke2-releases")
    for version, sub in ((V1, "v1"), (V2, "v2"), (V3, "v3")):
        build_layout_fixture.build(str(base / sub), version, IMAGES)
    bad = base / "bad"
    build_layout_fixture.build(str(bad), V3)
    (bad / "sha256sum-amd64.txt").write_text("%s  rke2.linux-amd64.tar.gz\n" % ("0" * 64))
    tampered = base / "tampered"
    build_layout_fixture.build(str(tampered), V3, IMAGES)
    (tampered / IMAGES[1]).write_text("tampered\n")
    _run("podman", "cp", str(base), "%s:/srv/rke2-releases" % node)
    _run("podman", "exec", node, "systemd-run", "--unit", "rke2-fixture-http", "--", "python3", "-m", "http.server",
         str(PORT), "--bind", "127.0.0.1", "--directory", "/srv/rke2-releases")
    _run("podman", "exec", node, "python3", "-c",
         "import time, urllib.request as u\nfor _ in range(50):\n  try:\n    u.urlopen('http://127.0.0.1:%d/'); break\n"
         "  except Exception: time.sleep(0.2)" % PORT)
    return base


@pytest.fixture(scope="module")
def inventory(tmp_path_factory, node):
    path = tmp_path_factory.mktemp("rke2-inv") / "hosts.yml"
    path.write_text(yaml.safe_dump({
        "all": {"children": {"rke2_servers": {"hosts": {node: {
            "ansible_connection": "community.docker.nsenter",
            "ansible_nsenter_pid": PIDS[node],
            "ansible_python_interpreter": "/usr/bin/python3",
            "multihomed_addresses": {"cluster": "198.18.40.11"},
        }}}}, "vars": {
            "multihomed_networks": {"cluster": {
                "cidr": "198.18.40.0/24", "purpose": "cluster", "groups": ["rke2_servers"], "interface": "ens192"}},
            # A test value, not a secret.
            "rke2_token": "pytest-token-not-a-secret",
            "rke2_wait_ready": False,
        }}
    }))
    return str(path)


# The cluster network IPv6 only (a network whose cidr is IPv6), as extra vars over the inventory's.
IPV6_ONLY = {
    "multihomed_networks": {"cluster": {"cidr": "fd00:40::/64", "purpose": "cluster", "groups": ["rke2_servers"],
                                        "interface": "ens192"}},
    "multihomed_addresses": {"cluster": "fd00:40::11"},
    "rke2_cluster_cidr6": "fd42::/56", "rke2_service_cidr6": "fd43::/112",
}


def play(inventory, extra, *args):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="default", ANSIBLE_CALLBACK_RESULT_FORMAT="yaml")
    env["PATH"] = os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    cmd = ["ansible-playbook", "-i", inventory, PLAYBOOK, "-e", json.dumps(extra), *args]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    proc.output = proc.stdout + proc.stderr
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    proc.changed = int(recap.group(2)) if recap else None
    return proc


def sh(node, script):
    return _run("nsenter", "--target", PIDS[node], "--mount", "--uts", "--ipc", "--net", "--pid", "--",
                "sh", "-c", script, check=False).stdout


def tarball_vars(sub, version, **more):
    url = "http://127.0.0.1:%d/%s" % (PORT, sub)
    return dict(rke2_install_method="tarball", rke2_version=version, rke2_tarball_url=url + "/rke2.linux-amd64.tar.gz",
                rke2_checksum_url=url + "/sha256sum-amd64.txt", **more)


def test_missing_token_fails_clearly(inventory, node):
    proc = play(inventory, {"rke2_token": "", "rke2_install_method": "none", "rke2_service_manage": False})
    assert proc.returncode != 0
    assert "rke2_token is not set for %s" % node in proc.output
    assert sh(node, "test -e /etc/rancher/rke2/config.yaml && echo yes") == ""


@pytest.mark.parametrize("extra, message", [
    # Types and choices: the role's argument spec, validated by Ansible before any task.
    ({"rke2_install_method": "curl"}, "value of rke2_install_method must be one of: tarball, airgap, none, got: curl"),
    ({"rke2_canal_backend": "udp"}, "value of rke2_canal_backend must be one of: vxlan, host-gw, wireguard, got: udp"),
    # flannel's ipsec backend cannot start through the rke2-canal chart (no way to pass its PSK): not offered.
    ({"rke2_canal_backend": "ipsec"}, "value of rke2_canal_backend must be one of: vxlan, host-gw, wireguard, got: ipsec"),
    ({"rke2_config_extra": ["debug"]}, "rke2_config_extra"),
    # Rules between variables: the preflight, one message each.
    ({"rke2_install_method": "tarball", "rke2_version": "1.31"},
     "rke2_install_method tarball needs rke2_version like v1.31.5+rke2r1 (got '1.31')"),
    ({"rke2_install_method": "airgap", "rke2_version": V1},
     "rke2_install_method airgap needs rke2_airgap_dir"),
    ({"rke2_cni_primary": "none"}, "rke2_multus_enabled needs a primary CNI: rke2_cni_primary is none"),
    ({"rke2_agent_serial": 0}, "rke2_agent_serial must be an integer >= 1 (got 0)"),
    ({"rke2_config_dropins": {"../x": {}}}, "rke2_config_dropins: file names ['../x'] are not letters"),
    # The chart features the values use, against rke2_version (plugins/module_utils/versions.py).
    ({"rke2_multus_thick_plugin": True, "rke2_version": "v1.31.10+rke2r1"},
     "rke2: RKE2 v1.31.10+rke2r1 lacks rke2-multus thickPlugin.enabled (multus_thick_plugin): the 1.31 line has it "
     "from v1.31.11+rke2r1"),
    # calico on an IPv6-only cluster network: rke2-calico up to v3.29.100 forces IPv4 autodetection (versions.py row
    # calico_ipv6_only, docs/upstream-facts.md section 4).
    (dict(IPV6_ONLY, rke2_cni_primary="calico", rke2_version="v1.31.4+rke2r1"),
     "rke2: RKE2 v1.31.4+rke2r1 lacks rke2-calico on an IPv6-only cluster network (IPv4 address autodetection not "
     "forced) (calico_ipv6_only): the 1.31 line has it from v1.31.5+rke2r1"),
])
def test_invalid_settings_fail_clearly(inventory, node, extra, message):
    proc = play(inventory, dict({"rke2_install_method": "none", "rke2_service_manage": False}, **extra))
    assert proc.returncode != 0
    assert message in " ".join(proc.output.split()), proc.output


def test_calico_on_ipv6_only_passes_with_a_fixed_release(inventory, node):
    """The same IPv6-only calico cluster with v1.31.5+rke2r1 (rke2-calico v3.29.101) passes the version check."""
    proc = play(inventory, dict(IPV6_ONLY, rke2_cni_primary="calico", rke2_version="v1.31.5+rke2r1",
                                rke2_install_method="none", rke2_service_manage=False), "--check")
    assert proc.returncode == 0, proc.output
    assert "calico_ipv6_only" not in proc.output


def test_tarball_install_from_url(inventory, node, releases):
    proc = play(inventory, tarball_vars("v1", V1))
    assert proc.returncode == 0, proc.output
    assert V1 in sh(node, "/usr/local/bin/rke2 --version")
    layout = sh(node, "cd /usr/local && ls bin/rke2 bin/rke2-killall.sh bin/rke2-uninstall.sh "
                      "lib/systemd/system/rke2-server.service lib/systemd/system/rke2-agent.service share/rke2")
    assert "lib/systemd/system/rke2-server.service" in layout and "LICENSE.txt" in layout
    # The unit from the tarball was enabled and started by the restart handler (bin/rke2 server just sleeps).
    assert sh(node, "systemctl is-enabled rke2-server; systemctl is-active rke2-server").split() == ["enabled", "active"]
    assert not sh(node, "ls /tmp | grep rke2-install"), "scratch directory left behind"


def test_tarball_install_is_idempotent(inventory, node, releases):
    pid = sh(node, "systemctl show -p MainPID --value rke2-server")
    proc = play(inventory, tarball_vars("v1", V1))
    assert proc.returncode == 0, proc.output
    assert proc.changed == 0, proc.output
    assert sh(node, "systemctl show -p MainPID --value rke2-server") == pid, "restarted without a change"


def test_check_mode_reports_upgrade_without_installing(inventory, node, releases):
    proc = play(inventory, tarball_vars("v2", V2), "--check", "--diff")
    assert proc.returncode == 0, proc.output
    assert proc.changed and proc.changed > 0
    assert V1 in sh(node, "/usr/local/bin/rke2 --version")


def test_tarball_upgrade_when_version_differs(inventory, node, releases):
    pid = sh(node, "systemctl show -p MainPID --value rke2-server")
    proc = play(inventory, tarball_vars("v2", V2))
    assert proc.returncode == 0, proc.output
    assert V2 in sh(node, "/usr/local/bin/rke2 --version")
    assert sh(node, "systemctl show -p MainPID --value rke2-server") != pid, "new version but no restart"


def test_wrong_checksum_fails_clearly(inventory, node, releases):
    proc = play(inventory, tarball_vars("bad", V3))
    assert proc.returncode != 0
    assert "its sha256 does not match %s listed for rke2.linux-amd64.tar.gz" % ("0" * 64) in proc.output, proc.output
    assert "nothing was installed" in proc.output
    assert V2 in sh(node, "/usr/local/bin/rke2 --version")


def test_airgap_tampered_image_fails_clearly(inventory, node, releases):
    proc = play(inventory, {"rke2_install_method": "airgap", "rke2_version": V3,
                            "rke2_airgap_dir": str(releases / "tampered")})
    assert proc.returncode != 0
    assert "air-gap artifact %s/%s has sha256" % (releases / "tampered", IMAGES[1]) in proc.output, proc.output
    assert V2 in sh(node, "/usr/local/bin/rke2 --version")


def test_airgap_install(inventory, node, releases):
    proc = play(inventory, {"rke2_install_method": "airgap", "rke2_version": V3, "rke2_airgap_dir": str(releases / "v3")})
    assert proc.returncode == 0, proc.output
    assert V3 in sh(node, "/usr/local/bin/rke2 --version")
    assert sh(node, "ls /var/lib/rancher/rke2/agent/images").split() == sorted(IMAGES)
    again = play(inventory, {"rke2_install_method": "airgap", "rke2_version": V3, "rke2_airgap_dir": str(releases / "v3")})
    assert again.returncode == 0 and again.changed == 0, again.output


MANIFESTS = "/var/lib/rancher/rke2/server/manifests"


@pytest.mark.parametrize("cni, values", [
    ("calico", {"installation": {"calicoNetwork": {"nodeAddressAutodetectionV4": {"cidrs": ["198.18.40.0/24"]}}}}),
    # No rke2_version: whether the chart already defaults to cni.exclusive false is unknown, so it is written.
    ("cilium", {"devices": ["ens192"], "cni": {"exclusive": False}}),
    ("flannel", {"flannel": {"args": ["--ip-masq", "--kube-subnet-mgr", "--iface=ens192"]}}),
])
def test_primary_cni_helmchartconfig(inventory, node, cni, values):
    """Before bootstrap (no server/db): the primary CNI's HelmChartConfig pins it to the cluster device or CIDR, the
    other CNIs' files are removed; the thick plugin with an unset rke2_version warns and is written."""
    proc = play(inventory, {"rke2_install_method": "none", "rke2_service_manage": False, "rke2_cni_primary": cni,
                            "rke2_multus_thick_plugin": True})
    assert proc.returncode == 0, proc.output
    assert "RKE2 version is not set: cannot check rke2-multus thickPlugin.enabled" in " ".join(proc.output.split())
    assert sh(node, "ls %s" % MANIFESTS).split() == ["rke2-%s-config.yaml" % cni, "rke2-multus-config.yaml"]
    doc = yaml.safe_load(sh(node, "cat %s/rke2-%s-config.yaml" % (MANIFESTS, cni)))
    assert doc["metadata"] == {"name": "rke2-" + cni, "namespace": "kube-system"}
    assert yaml.safe_load(doc["spec"]["valuesContent"]) == values
    multus = yaml.safe_load(yaml.safe_load(sh(node, "cat %s/rke2-multus-config.yaml" % MANIFESTS))["spec"]["valuesContent"])
    assert multus["thickPlugin"] == {"enabled": True}
    assert yaml.safe_load(sh(node, "cat /etc/rancher/rke2/config.yaml"))["cni"] == ["multus", cni]


def test_firewalld_active_warns(inventory, node):
    """RKE2 docs: firewalld should be disabled. An active firewalld (here a stand-in unit) is a warning only."""
    sh(node, "printf '[Service]\nExecStart=/bin/sleep infinity\n' > /run/systemd/system/firewalld.service && "
             "systemctl daemon-reload && systemctl start firewalld")
    try:
        proc = play(inventory, {"rke2_install_method": "none", "rke2_service_manage": False}, "--check")
    finally:
        sh(node, "systemctl stop firewalld; rm -f /run/systemd/system/firewalld.service; systemctl daemon-reload")
    assert proc.returncode == 0, proc.output
    assert "firewalld is active; the RKE2 docs (known issues) say to disable it" in " ".join(proc.output.split())


@pytest.fixture(scope="module")
def bootstrapped(inventory, node):
    """A server as RKE2 leaves it once bootstrapped: the role's default config and manifests, plus server/db."""
    sh(node, "rm -rf /var/lib/rancher/rke2/server/db")
    proc = play(inventory, {"rke2_install_method": "none", "rke2_service_manage": False})
    assert proc.returncode == 0, proc.output
    sh(node, "mkdir -p /var/lib/rancher/rke2/server/db")
    return node


@pytest.mark.parametrize("extra, key, old, new", [
    ({"rke2_multus_enabled": False}, "cni", '["multus", "canal"]', '["canal"]'),
    ({"rke2_cluster_cidr": "10.50.0.0/16"}, "cluster-cidr", '"10.42.0.0/16"', '"10.50.0.0/16"'),
    ({"rke2_canal_backend": "host-gw"}, "canal backend", '"vxlan"', '"host-gw"'),
])
def test_running_cluster_guard(inventory, node, bootstrapped, extra, key, old, new):
    before = sh(node, "md5sum /etc/rancher/rke2/config.yaml /var/lib/rancher/rke2/server/manifests/*")
    proc = play(inventory, dict({"rke2_install_method": "none", "rke2_service_manage": False}, **extra))
    assert proc.returncode != 0
    text = " ".join(proc.output.split())
    assert "'%s' cannot change on a running cluster" % key in text, proc.output
    assert "it is %s now and the inventory asks for %s" % (old, new) in text, proc.output
    assert "pytest-token-not-a-secret" not in proc.output
    assert sh(node, "md5sum /etc/rancher/rke2/config.yaml /var/lib/rancher/rke2/server/manifests/*") == before


def test_config_written_with_token_hidden(inventory, node, bootstrapped):
    proc = play(inventory, {"rke2_install_method": "none", "rke2_service_manage": False,
                            "rke2_node_labels": ["pytest=diff"]}, "--diff")
    assert proc.returncode == 0, proc.output
    assert "pytest-token-not-a-secret" not in proc.output
    # The diff of config.yaml shows the new label.
    assert "+node-label:" in proc.output and "+- pytest=diff" in proc.output, proc.output
    cfg = yaml.safe_load(sh(node, "cat /etc/rancher/rke2/config.yaml"))
    assert cfg["token"] == "pytest-token-not-a-secret" and cfg["node-label"] == ["pytest=diff"]
    assert cfg["node-ip"] == "198.18.40.11" and cfg["cni"] == ["multus", "canal"]


def test_token_change_diff_masks_both_tokens(inventory, node, bootstrapped):
    """A new token in check mode: the diff shows the token line changed, masked on both sides; nothing is written."""
    before = sh(node, "md5sum /etc/rancher/rke2/config.yaml")
    proc = play(inventory, {"rke2_install_method": "none", "rke2_service_manage": False,
                            "rke2_token": "pytest-new-token-not-a-secret"}, "--check", "--diff")
    assert proc.returncode == 0, proc.output
    assert "pytest-token-not-a-secret" not in proc.output and "pytest-new-token-not-a-secret" not in proc.output
    assert "-token: ********\n" in proc.output and "+token: ******** (changed)\n" in proc.output, proc.output
    assert sh(node, "md5sum /etc/rancher/rke2/config.yaml") == before
