"""The end of `make lab`: what the lab observed, as a person reads it, and the topology with observed addresses.

    .venv/bin/python scripts/lab_summary.py [--state /run/multihomed-rke2/lab] [--inventory inventories/lab]

Reads the JSON the lab playbooks recorded under <state>/observed/ (tests/lab/prove_pod_networks.yml: proof/,
tests/lab/reproduce_writeups.yml: write-ups/), builds the model's report from the inventory, and prints: per host
its NICs and addresses against the plan, per pod its interfaces, addresses, NADs and routes, the reachability
matrices, Longhorn's lhnet1 per agent. Writes <state>/summary/{observed.json,topology.dot,topology.svg}
(plugins/module_utils/observed_view.py lays everything out; Graphviz `dot` draws the SVG) and prints the SVG's path.
It only shows: whether the lab passed is what the playbooks asserted (run-lab.sh's RESULT line).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

from render_snapshot import load  # noqa: E402  (scripts/ is on sys.path: this file's directory)

from ansible_collections.multihomed.rke2.plugins.module_utils import observed_view, plan, report  # noqa: E402
from ansible_collections.multihomed.rke2.plugins.module_utils.model import Host  # noqa: E402


def model_report(inventory):
    hostvars, groups = load(inventory)
    networks = next(iter(hostvars.values()))["multihomed_networks"]
    return report.build(networks, [Host.from_vars(h, hostvars[h]) for h in plan.attached_host_names(networks, groups)])


def read_fragments(observed_dir):
    """Every fragment the playbooks wrote, in file order; an unreadable file is named, not fatal."""
    out = []
    for path in sorted(glob.glob(os.path.join(observed_dir, "*", "*.json"))):
        try:
            with open(path) as f:
                out.append(json.load(f))
        except (OSError, ValueError) as exc:
            print(f"(skipped {path}: {exc})")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="/run/multihomed-rke2/lab", help="the lab's state directory")
    parser.add_argument("--inventory", default=os.path.join(ROOT, "inventories", "lab"))
    args = parser.parse_args(argv)
    observed_dir, out_dir = os.path.join(args.state, "observed"), os.path.join(args.state, "summary")
    fragments = read_fragments(observed_dir)
    if not fragments:
        print(f"(nothing observed: no JSON under {observed_dir}; the lab playbooks write it)")
        return 0
    rep = model_report(args.inventory)
    doc = observed_view.assemble(fragments)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "observed.json"), "w") as f:
        json.dump(doc, f, indent=1)
    newest = max(os.path.getmtime(p) for p in glob.glob(os.path.join(observed_dir, "*", "*.json")))
    title = (f"multihomed.rke2 lab ({os.path.basename(args.inventory.rstrip('/'))}): observed "
             f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(newest))}")
    dot_path, svg = os.path.join(out_dir, "topology.dot"), os.path.join(out_dir, "topology.svg")
    with open(dot_path, "w") as f:
        f.write(observed_view.topology_dot(rep, doc, title=title))
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg", dot_path, "-o", svg], check=True)
    else:
        svg = f"(not drawn: Graphviz dot is missing; source {dot_path})"
    print(observed_view.render(rep, doc, svg=svg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
