#!/usr/bin/env bash
# How long multihomed.rke2.node_network takes on the lab topology (molecule scenario node_network_netplan: 1 server,
# 2 agents, a gateway with DHCP): converge (first run, everything changes) and the idempotent re-run (changed=0).
#   tests/benchmarks/bench_node_network.sh [SCENARIO]     (default node_network_netplan; node_network_nm works too)
# Creates and destroys the scenario's own containers (mh-<scenario>-*). Prints the figures at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCENARIO=${1:-node_network_netplan}
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
LOG=$(mktemp -d)/bench.log

step() {  # name, molecule action... -> seconds on stdout
  local t0 t1
  t0=$(date +%s.%N)
  molecule "$@" -s "$SCENARIO" >>"$LOG" 2>&1 || { echo "bench: molecule $* failed, see $LOG" >&2; molecule destroy -s "$SCENARIO" >/dev/null 2>&1 || true; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

molecule destroy -s "$SCENARIO" >>"$LOG" 2>&1 || true
create=$(step create)
prepare=$(step prepare)
converge=$(step converge)
idempotent=$(step idempotence)
molecule destroy -s "$SCENARIO" >>"$LOG" 2>&1 || true
hosts=$(grep -cE "^\s+- name: mh-" "molecule/$SCENARIO/molecule.yml" || true)
echo "node_network benchmark, scenario $SCENARIO ($hosts containers, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-34s %8ss\n' "create + prepare" "$(awk -v a="$create" -v b="$prepare" 'BEGIN { printf "%.1f", a + b }')" \
  "converge (first run)" "$converge" "idempotent re-run (changed=0)" "$idempotent"
echo "  (molecule overhead included; ansible-playbook's own figures: grep 'Playbook run took' $LOG)"
grep -E "Playbook run took" "$LOG" | tail -2 | sed 's/^/  /'
