"""Render the plan for 1,000 hosts x 8 networks and print the time (target: under 2 s on one core).

Covers what a site.yml run computes from the model: whole-model validation with every host's NIC plan,
node IPs, NetworkAttachmentDefinitions and the rke2-canal values. Run: make bench (or .venv/bin/python this file).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".collections"))

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, report  # noqa: E402
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host  # noqa: E402

HOSTS = 1000
NETWORKS = 8


def build():
    nets = {"cluster": {"vlan": 40, "cidr": "10.40.0.0/16", "gateway": "10.40.0.1", "purpose": "cluster",
                        "groups": ["servers", "agents"], "interface": "ens192", "mtu": 9000}}
    for i in range(1, NETWORKS):
        nets["net%d" % i] = {
            "vlan": 100 + i, "cidr": "10.%d.0.0/16" % (100 + i), "purpose": "storage" if i == 1 else "other",
            "groups": ["agents"], "parent": "ens160", "addressing": "mixed",
            "attachment": {"name": "nad-%d" % i, "namespace": "multus", "ipam": {
                "type": "whereabouts", "range_start": "10.%d.200.1" % (100 + i), "range_end": "10.%d.250.254" % (100 + i)}},
        }
    hosts = []
    for h in range(HOSTS):
        groups = ["servers"] if h < 3 else ["agents"]
        addresses = {"cluster": "10.40.%d.%d" % (h // 250 + 1, h % 250 + 2)}
        if h >= 3:
            for i in range(1, NETWORKS):
                addresses["net%d" % i] = "10.%d.%d.%d" % (100 + i, h // 250 + 1, h % 250 + 2)
        interfaces = {"cluster": "eth1"} if h % 2 else {}
        hosts.append(Host("node-%04d" % h, groups, addresses, interfaces))
    return nets, hosts


def main():
    nets, hosts = build()
    t0 = time.process_time()
    w0 = time.perf_counter()
    rep = report.build(nets, hosts)
    t_plan = time.perf_counter() - w0
    ips = list(rep["cluster"]["node_ips"].values())
    t_ip = time.perf_counter() - w0 - t_plan
    nads = rep["nads"]
    canal = cni_charts.canal_values(rep["cluster"], backend="host-gw")
    wall = time.perf_counter() - w0
    cpu = time.process_time() - t0
    entries = sum(len(p) for p in rep["plans"].values())
    print("hosts=%d networks=%d nic_plan_entries=%d node_ips=%d nads=%d" % (HOSTS, NETWORKS, entries, len(ips), len(nads)))
    print("canal flannel=%s calico=%s" % (canal["flannel"], canal["calico"]))
    print("validate+plans (once, the published report): %.3f s   node_ips read x%d: %.3f s" % (t_plan, len(ips), t_ip))
    print("total: %.3f s wall, %.3f s cpu (target < 2 s on one core): %s"
          % (wall, cpu, "OK" if cpu < 2 else "OVER TARGET"))


if __name__ == "__main__":
    main()
