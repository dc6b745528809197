"""Everything the collection renders from an inventory's network model, as one JSON document.

    .venv/bin/python scripts/render_snapshot.py inventories/lab            # print
    .venv/bin/python scripts/render_snapshot.py inventories/lab --check    # compare with tests/fixtures/golden

Per host: the NIC plan, the netplan document, the NetworkManager keyfiles, node-ip; for the cluster: the canal and
multus chart values, the NetworkAttachmentDefinitions and the CNI config of each attachment. Key order is kept,
because it is the order of the files written on hosts. The golden files were taken before the model v2 refactor
(issue 11) and changed since only on purpose, each time in the commit that changed the output and says why (git log
tests/fixtures/golden): a difference means rendered output changed.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

from ansible.inventory.manager import InventoryManager  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.vars.manager import VariableManager  # noqa: E402

from ansible_collections.multihomed.rke2.plugins.module_utils import cni_charts, k8s_render, nic_config, plan, report  # noqa: E402
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host, load_networks  # noqa: E402


def load(inventory):
    loader = DataLoader()
    inv = InventoryManager(loader=loader, sources=[inventory])
    vm = VariableManager(loader=loader, inventory=inv)
    hostvars = {}
    for host in inv.get_hosts():
        v = vm.get_vars(host=host)
        hostvars[host.name] = {k: v.get(k) for k in ("inventory_hostname", "group_names", "multihomed_addresses",
                                                     "multihomed_addresses6",
                                                     "multihomed_interfaces", "multihomed_networks")}
    groups = {name: [h.name for h in g.get_hosts()] for name, g in inv.groups.items()}
    return hostvars, groups


def render(inventory):
    hostvars, groups = load(inventory)
    networks = next(iter(hostvars.values()))["multihomed_networks"]
    hosts = [Host.from_vars(h, hostvars[h]) for h in plan.attached_host_names(networks, groups)]
    rep = report.build(networks, hosts)
    model = load_networks(networks)
    out = {"hosts": {}, "cluster": {}}
    for host in hosts:
        host_plan = rep["plans"][host.name]
        out["hosts"][host.name] = {
            "plan": host_plan,
            "netplan": nic_config.netplan_config(host_plan),
            "nm": nic_config.nm_connections(host_plan),
            "node_ip": rep["cluster"]["node_ips"][host.name],
        }
    out["cluster"] = {
        "warnings": rep["warnings"],
        "canal": {f"{b}/{a}": cni_charts.canal_values(rep["cluster"], backend=b, autodetect=a)
                  for b in ("vxlan", "wireguard") for a in ("cidr", "interface")},
        "multus": k8s_render.multus_values(rep["multus"]),
        "nads": rep["nads"],
        "cni": {n: k8s_render.network_cni_config(model, n) for n in networks if networks[n].get("attachment")},
    }
    return json.dumps(out, indent=1) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory")
    parser.add_argument("--check", action="store_true", help="compare with the golden file, exit 1 on a difference")
    parser.add_argument("--write", action="store_true", help="write the golden file")
    args = parser.parse_args()
    text = render(args.inventory)
    golden = os.path.join(ROOT, "tests", "fixtures", "golden", os.path.splitext(os.path.basename(args.inventory.rstrip("/")))[0] + ".json")
    if args.write:
        with open(golden, "w") as f:
            f.write(text)
    elif args.check:
        with open(golden) as f:
            want = f.read()
        if want != text:
            import difflib
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), text.splitlines(True), golden, "now"))
            return 1
        print(f"{args.inventory}: rendered output identical to {os.path.relpath(golden, ROOT)}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
