#!/usr/bin/env bash
# Lab benchmark: the 6-host lab over SSH from bare NICs and a fresh cluster API; first converge of site.yml, idempotent
# re-runs, the node_network phase re-run alone, tasks per host. Prints figures; asserts nothing (issue 12's targets are
# printed beside them).
#   bash tests/benchmarks/bench_lab.sh        (make setup first; recreates the lab, so it starts from bare NICs)
#   BENCH_ROUNDS=1 bash tests/benchmarks/bench_lab.sh    (one round instead of three)
# This VM's speed drifts by tens of percent within minutes, so the ratio re-run / first converge is measured within
# each round (a fresh lab, its first converge, then three re-runs right after, their median) and the median round is
# the figure. Each round also prints the machine's speed (tests/benchmarks/calibrate.yml: ten skipped tasks and three
# pings on the six hosts, median of three), so rounds from a slow phase can be told from rounds of a slower playbook.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_FORCE_COLOR=0
STATE=/run/multihomed-rke2/lab
ROUNDS=${BENCH_ROUNDS:-3}
mkdir -p "$STATE" && chmod 0700 "$STATE"
[ -s "$STATE/secrets.yml" ] || (umask 077; printf 'rke2_token: "%s"\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$STATE/secrets.yml")

fresh() {  # a first converge starts from nothing: new hosts and a new cluster API (no NADs, Longhorn's Setting empty)
  scripts/lab.sh down >/dev/null
  scripts/kube-apiserver.sh stop >/dev/null
  scripts/lab.sh up >/dev/null
  KC=$(scripts/kube-apiserver.sh start | tail -n 1)
  ansible-playbook -i inventories/lab tests/lab/api_prepare.yml -e "multihomed_kubeconfig=$KC" >/dev/null
}
run() {  # label, playbook -> seconds
  local t0 t1
  t0=$(date +%s.%N)
  ansible-playbook -i inventories/lab "$2" -e "multihomed_kubeconfig=$KC" -e "@$STATE/secrets.yml" > "$STATE/bench-$1.log"
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}'
}
recap() {  # label -> per host: tasks run (ok + changed + failed), skipped, changed
  sed -n '/^PLAY RECAP/,$p' "$STATE/bench-$1.log" | grep -E '^\S+ +:' |
    awk '{h=$1; for (i=3; i<=NF; i++) {split($i, kv, "="); v[kv[1]]=kv[2]}
          printf "    %-10s %3d tasks run (%d skipped), changed=%d\n", h, v["ok"]+v["failed"], v["skipped"], v["changed"]}'
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", 100 * a / b}'; }

firsts=() seconds=() ratios=() rows=()
for round in $(seq "$ROUNDS"); do
  fresh
  calibrations=()
  for i in 1 2 3; do calibrations+=("$(run calibrate tests/benchmarks/calibrate.yml)"); done
  calibration=$(median "${calibrations[@]}")
  first=$(run first site.yml)
  a=$(run second site.yml)
  b=$(run second site.yml)
  c=$(run second site.yml)
  second=$(median "$a" "$b" "$c")
  firsts+=("$first") seconds+=("$a" "$b" "$c") ratios+=("$(percent "$second" "$first")")
  rows+=("$(printf '  | %5s | %12s s | %5s s, %5s s, %5s s | %4s%% | %9s s |' "$round" "$first" "$a" "$b" "$c" \
    "${ratios[-1]}" "$calibration")")
done
networks=()
for i in 1 2 3; do networks+=("$(run network playbooks/network.yml)"); done
echo "6-host lab over SSH (pipelining, ControlPersist), site.yml; ${ROUNDS} round(s), each on a fresh lab"
echo "  | round | first converge | idempotent re-runs        | ratio | machine*    |"
echo "  | ----- | -------------- | ------------------------- | ----- | ----------- |"
printf '%s\n' "${rows[@]}"
echo "  * tests/benchmarks/calibrate.yml: ten tasks skipped and three pings on the six hosts (Ansible's own per-task and"
echo "    per-module-call work); higher is a slower machine, whatever the code under test."
echo "  first converge:            $(median "${firsts[@]}") s (median; target: at most 40 s)"
echo "  idempotent re-run:         $(median "${seconds[@]}") s (median), $(median "${ratios[@]}")% of the first converge (median of the rounds; target: at most 25%)"
echo "  node_network phase re-run: $(median "${networks[@]}") s (playbooks/network.yml; target: at most 8 s), median of ${networks[*]}"
echo "  first run, per host (last round):"
recap first
echo "  re-run, per host (last round; target: at most 15 tasks):"
recap second
