# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: 50 NetworkAttachmentDefinitions with ONE multihomed.rke2.network_attachment task vs a
kubernetes.core.k8s loop, against a real kube-apiserver. Prints the times, their ratio (target: ours >= 5x faster)
and the idempotent re-run time of each. No assertions: figures only.

    .venv/bin/python tests/benchmarks/bench_nad.py            # starts (and stops) its own apiserver
    MULTIHOMED_BENCH_KUBECONFIG=/path/kubeconfig .venv/bin/python tests/benchmarks/bench_nad.py   # reuse one
    MULTIHOMED_BENCH_COUNT=100 ...                            # other sizes
"""

from __future__ import absolute_import, division, print_function

import json
import os
import shutil
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("MULTIHOMED_TEST_APISERVER_STATE", "/run/multihomed-rke2/apiserver-bench")
os.environ.setdefault("MULTIHOMED_TEST_APISERVER_PORT", "18443")
os.environ.setdefault("MULTIHOMED_TEST_ETCD_PORT", "18379")

import k8s_harness as h  # noqa: E402  (after the environment it reads)

COUNT = int(os.environ.get("MULTIHOMED_BENCH_COUNT", "50"))

OURS = """---
- name: One task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Apply {n} NADs in one task
      multihomed.rke2.network_attachment:
        kubeconfig: "{{{{ kubeconfig }}}}"
        definitions: "{{{{ definitions }}}}"
        create_namespaces: true
"""

LOOP = """---
- name: A kubernetes.core.k8s loop
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Namespace
      kubernetes.core.k8s:
        kubeconfig: "{{{{ kubeconfig }}}}"
        api_version: v1
        kind: Namespace
        name: "{{{{ namespace }}}}"
    - name: Apply {n} NADs, one k8s task each
      kubernetes.core.k8s:
        kubeconfig: "{{{{ kubeconfig }}}}"
        definition: "{{{{ item }}}}"
      loop: "{{{{ definitions }}}}"
      loop_control:
        label: "{{{{ item.metadata.name }}}}"
"""


def definitions(namespace):
    out = []
    for i in range(COUNT):
        name = "bench-%03d" % i
        config = {"cniVersion": "0.3.1", "name": name, "type": "macvlan", "master": "ens224", "mode": "bridge",
                  "ipam": {"type": "host-local", "ranges": [[{"subnet": "198.18.%d.0/24" % (100 + i % 100)}]]}}
        out.append({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
                    "metadata": {"name": name, "namespace": namespace,
                                 "labels": {"app.kubernetes.io/managed-by": "multihomed.rke2"}},
                    "spec": {"config": json.dumps(config, separators=(",", ":"))}})
    return out


def timed(playbook, extra):
    t0 = time.time()
    run = h.run_playbook(playbook, extra)
    elapsed = time.time() - t0
    if run.rc != 0:
        raise SystemExit("%s failed: %s" % (playbook, run.failures() or run.stderr))
    return elapsed, run.stats.get("changed", 0)


def main():
    reuse = os.environ.get("MULTIHOMED_BENCH_KUBECONFIG")
    kubeconfig = reuse or h.start_apiserver()
    tmp = tempfile.mkdtemp(prefix="bench-nad-")
    try:
        cluster = h.Cluster(kubeconfig)
        h.install_crds(cluster.api_client, only=[h.NAD_CRD])
        suffix = uuid.uuid4().hex[:5]
        ours_pb, loop_pb = os.path.join(tmp, "ours.yml"), os.path.join(tmp, "loop.yml")
        with open(ours_pb, "w") as f:
            f.write(OURS.format(n=COUNT))
        with open(loop_pb, "w") as f:
            f.write(LOOP.format(n=COUNT))
        ns_ours, ns_loop = "bench-ours-" + suffix, "bench-k8s-" + suffix
        ours_vars = {"kubeconfig": kubeconfig, "definitions": definitions(ns_ours)}
        loop_vars = {"kubeconfig": kubeconfig, "namespace": ns_loop, "definitions": definitions(ns_loop)}

        ours, ours_changed = timed(ours_pb, ours_vars)
        loop, loop_changed = timed(loop_pb, loop_vars)
        ours_again, ours_again_changed = timed(ours_pb, ours_vars)
        loop_again, loop_again_changed = timed(loop_pb, loop_vars)
        assert len(cluster.list_nads(ns_ours)) == COUNT and len(cluster.list_nads(ns_loop)) == COUNT

        print("NADs applied:                       %d (kube-apiserver at %s)" % (COUNT, cluster.server))
        print("network_attachment, one task:       %6.2f s  (changed tasks: %d)" % (ours, ours_changed))
        print("kubernetes.core.k8s loop:           %6.2f s  (changed tasks: %d)" % (loop, loop_changed))
        print("speed-up (k8s loop / ours):         %6.1fx  (target >= 5x)" % (loop / ours))
        print("idempotent re-run, ours:            %6.2f s  (changed tasks: %d)" % (ours_again, ours_again_changed))
        print("idempotent re-run, k8s loop:        %6.2f s  (changed tasks: %d)" % (loop_again, loop_again_changed))
        print("idempotent speed-up:                %6.1fx" % (loop_again / ours_again))
        print("(wall-clock of each ansible-playbook run, start-up included; load average %.1f)" % os.getloadavg()[0])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not reuse:
            h.stop_apiserver()


if __name__ == "__main__":
    main()
