#!/usr/bin/env bash
# `make lab` after the lab is up: local API server, site.yml, pod-network proof, summary.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
STATE=/run/multihomed-rke2/lab
mkdir -p "$STATE"
chmod 0700 "$STATE"

echo "== cluster API: local kube-apiserver"
KUBECONFIG_FILE=$(scripts/kube-apiserver.sh start | tail -n 1)
ansible-playbook -i inventories/lab tests/lab/api_prepare.yml -e "multihomed_kubeconfig=$KUBECONFIG_FILE" >/dev/null

if [ ! -s "$STATE/secrets.yml" ]; then
  (umask 077; printf 'rke2_token: "%s"\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$STATE/secrets.yml")
fi

echo "== site.yml on the lab"
t0=$(date +%s)
# -v shows the model's validation line; the terminal gets plays, tasks, changes and failures as they happen.
ansible-playbook -v -i inventories/lab site.yml -e "multihomed_kubeconfig=$KUBECONFIG_FILE" -e "@$STATE/secrets.yml" \
  | tee "$STATE/site.log" | grep --line-buffered -E '^(PLAY|TASK|changed:|fatal:|failed:|ERROR)|validated' || true
validations=$(grep -c "multihomed.rke2: network model validated" "$STATE/site.log" || true)
t_site=$(( $(date +%s) - t0 ))

echo "== pod networks, as Multus would attach them"
ansible-playbook -i inventories/lab tests/lab/prove_pod_networks.yml -e "multihomed_kubeconfig=$KUBECONFIG_FILE" \
  | tee "$STATE/prove.log" | grep -E '^(PLAY RECAP|TASK \[Summary|ok:|failed:|fatal:)|"msg"|^    |^  - ' || true

echo "== the reference write-ups (net-tools pod, Longhorn lhnet1, 2018 macvlan-conf): Multus/Longhorn STAND-INS, real CNI plugins"
rm -f "$STATE/writeups.txt"
t0=$(date +%s)
ansible-playbook -i inventories/lab tests/lab/reproduce_writeups.yml -e "multihomed_kubeconfig=$KUBECONFIG_FILE" \
  -e "lab_state_dir=$STATE" | tee "$STATE/writeups.log" | grep -E '^(PLAY RECAP|fatal:|failed:)|"msg"|^    ' || true
t_writeups=$(( $(date +%s) - t0 ))

echo
echo "================ summary ================"
echo "site.yml: ${t_site}s; network model validated ${validations} time(s) (expected 1); recap:"
sed -n '/^PLAY RECAP/,$p' "$STATE/site.log" | tail -n +2 | sed 's/^/  /'
echo "NADs in the cluster API:"
grep -oE '"?msg"?: .?NAD [^ ]+' "$STATE/prove.log" | sed 's/.*NAD /  /' || true
echo "pod attachments (from the proof):"
sed -n '/TASK \[Summary/,/^$/p' "$STATE/prove.log" | grep -E '^\s+"|msg' | sed 's/^/  /' || true
echo "write-ups reproduced (${t_writeups}s, tests/lab/reproduce_writeups.yml, docs/lab.md):"
if [ -s "$STATE/writeups.txt" ]; then sed 's/^/  /' "$STATE/writeups.txt"; else echo "  (no result: see $STATE/writeups.log)"; fi
echo "observed (recorded by the lab playbooks under $STATE/observed; scripts/lab_summary.py, docs/lab.md):"
.venv/bin/python scripts/lab_summary.py --state "$STATE" | sed 's/^/  /' || echo "  (no summary: scripts/lab_summary.py failed)"
if [ "$validations" != 1 ]; then
  echo "RESULT: FAILED (site.yml validated the network model ${validations} times, expected once)"; exit 1
fi
if grep -qE 'failed=[1-9]|unreachable=[1-9]' "$STATE/site.log" "$STATE/prove.log" "$STATE/writeups.log" ||
   ! grep -q '^PLAY RECAP' "$STATE/writeups.log"; then
  echo "RESULT: FAILED (see $STATE/site.log, $STATE/prove.log and $STATE/writeups.log)"; exit 1
fi
echo "RESULT: OK (run make lab again: site.yml reports changed=0)"
