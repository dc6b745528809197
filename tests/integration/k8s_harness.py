# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Harness for tests against a real kube-apiserver (scripts/kube-apiserver.sh), run on the controller.

Registered as a pytest plugin by conftest.py, so tests use its fixtures (cluster, unique_ns) by name.

The session starts its own apiserver instance (own state directory and ports, so it never touches one started by
`make apiserver-up`) and stops it at the end. Set MULTIHOMED_TEST_KUBECONFIG to reuse a running server instead
(its CRDs are installed if missing, and it is left running).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import time
import uuid

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
CRD_DIR = os.path.join(ROOT, "tests", "fixtures", "crds")
INVENTORY = os.path.join(ROOT, "tests", "integration", "k8s_inventory.yml")
APISERVER = os.path.join(ROOT, "scripts", "kube-apiserver.sh")
STATE = os.environ.get("MULTIHOMED_TEST_APISERVER_STATE", "/run/multihomed-rke2/apiserver-pytest")
PORT = os.environ.get("MULTIHOMED_TEST_APISERVER_PORT", "17443")
ETCD_PORT = os.environ.get("MULTIHOMED_TEST_ETCD_PORT", "17379")
NAD_CRD = "network-attachment-definitions.k8s.cni.cncf.io"


def _tool(name):
    path = os.path.join(VENV_BIN, name)
    return path if os.path.exists(path) else name


def ansible_env(extra=None):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
        "PATH": VENV_BIN + os.pathsep + env.get("PATH", ""),
    })
    for key in [k for k in env if k.startswith("K8S_AUTH_")]:
        del env[key]
    env.update(extra or {})
    return env


def _parse(proc):
    start = proc.stdout.find("{")
    if start < 0:
        raise AssertionError("no JSON from ansible (rc %s):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    return json.loads(proc.stdout[start:])


def run_module(module, args, check=False, diff=False):
    """Run one module on localhost (ad hoc); return its result dict (with 'failed' on failure)."""
    cmd = [_tool("ansible"), "localhost", "-i", INVENTORY, "-m", module, "-a", json.dumps(args)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    proc = subprocess.run(cmd, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=120, check=False)
    data = _parse(proc)
    result = data["plays"][0]["tasks"][0]["hosts"]["localhost"]
    result["_rc"] = proc.returncode
    return result


class PlaybookRun(object):
    def __init__(self, proc, data):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data
        self.stats = data.get("stats", {}).get("localhost", {})

    def results(self, task_name):
        """Results of every task whose name contains task_name."""
        out = []
        for play in self.data.get("plays", []):
            for task in play.get("tasks", []):
                if task_name in task["task"]["name"]:
                    out.append(task["hosts"].get("localhost", {}))
        return out

    def failures(self):
        return [r.get("msg", "") for play in self.data.get("plays", []) for t in play.get("tasks", [])
                for r in t["hosts"].values() if r.get("failed")]


def run_playbook(playbook, extra_vars=None, check=False):
    cmd = [_tool("ansible-playbook"), "-i", INVENTORY, playbook, "-e", json.dumps(extra_vars or {})]
    if check:
        cmd.append("--check")
    proc = subprocess.run(cmd, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=300, check=False)
    return PlaybookRun(proc, _parse(proc))


def _load_client(kubeconfig):
    from kubernetes import config

    return config.new_client_from_config(config_file=kubeconfig)


def crd_documents():
    docs = []
    for path in sorted(glob.glob(os.path.join(CRD_DIR, "*.yaml"))):
        with open(path) as f:
            docs.extend(d for d in yaml.safe_load_all(f) if d)
    return docs


def install_crds(api_client, only=None, timeout=30):
    """Create the fixture CRDs (or those named in `only`) and wait until they are Established."""
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    ext = client.ApiextensionsV1Api(api_client)
    names = []
    for doc in crd_documents():
        name = doc["metadata"]["name"]
        if only and name not in only:
            continue
        names.append(name)
        try:
            ext.create_custom_resource_definition(doc)
        except ApiException as exc:
            if exc.status != 409:
                raise
    deadline = time.time() + timeout
    for name in names:
        while True:
            crd = ext.read_custom_resource_definition(name)
            conditions = (crd.status and crd.status.conditions) or []
            if any(c.type == "Established" and c.status == "True" for c in conditions):
                break
            if time.time() > deadline:
                raise AssertionError("CRD %s not Established after %ss" % (name, timeout))
            time.sleep(0.2)


def delete_crd(api_client, name, timeout=60):
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    ext = client.ApiextensionsV1Api(api_client)
    try:
        ext.delete_custom_resource_definition(name)
    except ApiException as exc:
        if exc.status != 404:
            raise
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            ext.read_custom_resource_definition(name)
        except ApiException as exc:
            if exc.status == 404:
                return
            raise
        time.sleep(0.2)
    raise AssertionError("CRD %s still there after %ss" % (name, timeout))


class Cluster(object):
    """The test apiserver: kubeconfig path and typed clients."""

    def __init__(self, kubeconfig):
        from kubernetes import client

        self.kubeconfig = kubeconfig
        self.api_client = _load_client(kubeconfig)
        self.core = client.CoreV1Api(self.api_client)
        self.custom = client.CustomObjectsApi(self.api_client)
        with open(kubeconfig) as f:
            cfg = yaml.safe_load(f)
        self.server = cfg["clusters"][0]["cluster"]["server"]

    def list_nads(self, namespace):
        items = self.custom.list_namespaced_custom_object("k8s.cni.cncf.io", "v1", namespace,
                                                          "network-attachment-definitions")["items"]
        return dict((o["metadata"]["name"], o) for o in items)

    def get_nad(self, namespace, name):
        return self.custom.get_namespaced_custom_object("k8s.cni.cncf.io", "v1", namespace,
                                                        "network-attachment-definitions", name)

    def create_nad(self, namespace, body):
        return self.custom.create_namespaced_custom_object("k8s.cni.cncf.io", "v1", namespace,
                                                           "network-attachment-definitions", body)

    def ensure_namespace(self, name):
        from kubernetes.client.rest import ApiException

        try:
            self.core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        except ApiException as exc:
            if exc.status != 409:
                raise

    def namespace_exists(self, name):
        from kubernetes.client.rest import ApiException

        try:
            self.core.read_namespace(name)
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return True


def start_apiserver():
    env = dict(os.environ, MULTIHOMED_APISERVER_STATE=STATE, MULTIHOMED_APISERVER_PORT=PORT,
               MULTIHOMED_ETCD_PORT=ETCD_PORT)
    # The first start on a machine builds the binary (about 5 min on 2 cores alone, measured 10 min with the other
    # test lanes beside it on a new machine): the bound is for a hung build, not a slow one.
    proc = subprocess.run([APISERVER, "start"], env=env, capture_output=True, text=True, timeout=1800, check=False)
    if proc.returncode != 0:
        raise RuntimeError("kube-apiserver.sh start failed:\n%s\n%s" % (proc.stdout, proc.stderr))
    return proc.stdout.strip().splitlines()[-1]


def stop_apiserver():
    env = dict(os.environ, MULTIHOMED_APISERVER_STATE=STATE, MULTIHOMED_APISERVER_PORT=PORT,
               MULTIHOMED_ETCD_PORT=ETCD_PORT)
    subprocess.run([APISERVER, "stop"], env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="session")
def cluster():
    reuse = os.environ.get("MULTIHOMED_TEST_KUBECONFIG")
    kubeconfig = reuse or start_apiserver()
    try:
        c = Cluster(kubeconfig)
        install_crds(c.api_client)
        yield c
    finally:
        if not reuse:
            stop_apiserver()


@pytest.fixture
def unique_ns(request):
    """A namespace name unique to the test (not created)."""
    name = request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")
    name = ("t-" + "".join(ch for ch in name if ch.isalnum() or ch == "-"))[:44].rstrip("-")
    return "%s-%s" % (name, uuid.uuid4().hex[:5])
