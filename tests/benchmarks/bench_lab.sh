#!/usr/bin/env bash
# Lab benchmark: fresh 6-host lab, first converge of site.yml, idempotent re-run, tasks per host.
#   bash tests/benchmarks/bench_lab.sh        (make setup first; recreates the lab, so it starts from bare NICs)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_FORCE_COLOR=0
STATE=/run/multihomed-rke2/lab
mkdir -p "$STATE" && chmod 0700 "$STATE"
[ -s "$STATE/secrets.yml" ] || (umask 077; printf 'rke2_token: "%s"\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$STATE/secrets.yml")
scripts/lab.sh down >/dev/null
scripts/lab.sh up >/dev/null
KC=$(scripts/kube-apiserver.sh start | tail -n 1)
ansible-playbook tests/lab/api_prepare.yml -e "multihomed_kubeconfig=$KC" >/dev/null

run() {  # label
  local t0 t1
  t0=$(date +%s.%N)
  ansible-playbook -i inventories/lab site.yml -e "multihomed_kubeconfig=$KC" -e "@$STATE/secrets.yml" > "$STATE/bench-$1.log"
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}'
}
first=$(run first)
second=$(run second)
echo "6-host lab, site.yml"
echo "  first converge:     ${first} s"
echo "  idempotent re-run:  ${second} s ($(awk -v a="$second" -v b="$first" 'BEGIN {printf "%.0f", 100 * a / b}')% of the first)"
echo "  tasks per host (ok+changed+skipped+failed, first run / re-run changed):"
paste <(sed -n '/^PLAY RECAP/,$p' "$STATE/bench-first.log" | grep -E '^\S+ +:') \
      <(sed -n '/^PLAY RECAP/,$p' "$STATE/bench-second.log" | grep -E '^\S+ +:') |
  awk '{host=$1; ok=$3; ch=$4; sk=$8; fa=$6; sub("ok=","",ok); sub("changed=","",ch); sub("skipped=","",sk); sub("failed=","",fa);
        n=split($0, f, " "); ch2=""; for (i=n/2; i<=n; i++) if (f[i] ~ /^changed=/) ch2=f[i];
        printf "    %-10s %3d tasks, first run changed=%s, re-run %s\n", host, ok+sk+fa, ch, ch2}'
