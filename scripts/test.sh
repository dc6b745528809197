#!/usr/bin/env bash
# The test runner behind `make test`: every stage runs, each is timed, any failure fails the whole run.
#   scripts/test.sh all|lint|sanity|units|compat|pytest|molecule|lab
# Sourced (tests/repo/test_runner.py does), it only defines the functions.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export PATH="$ROOT/.venv/bin:$PATH" ANSIBLE_CONFIG="$ROOT/ansible.cfg" ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1
OUT=$ROOT/tests/output
LOGS=${MULTIHOMED_TEST_LOGS:-$OUT/logs}
mkdir -p "$LOGS"
declare -a SUMMARY=() RAN=()
FAILED=0

run_stage() {  # name, command...: runs in the foreground, output on the terminal and in its log
  local name=$1; shift
  local t0 rc log=$LOGS/$name.log
  printf '\n===== stage %s: %s\n' "$name" "$*"
  t0=$(date +%s)
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  record "$name" "$rc" $(( $(date +%s) - t0 ))
}

record() {  # name, exit code, seconds
  local name=$1 rc=$2 dt=$3
  RAN+=("$name")
  if [ "$rc" -eq 0 ]; then SUMMARY+=("ok    ${name} (${dt}s)"); else SUMMARY+=("FAIL  ${name} (${dt}s, exit ${rc}, log ${LOGS#"$ROOT"/}/${name}.log)"); FAILED=1; fi
}

declare -A BG_PIDS=() BG_T0=()

start_background() {  # name, command...: runs beside the foreground stages, output only in its log until joined
  local name=$1; shift
  printf '\n===== stage %s (in the background, log %s): %s\n' "$name" "${LOGS#"$ROOT"/}/$name.log" "$*"
  BG_T0[$name]=$(date +%s)
  ( "$@" ) > "$LOGS/$name.log" 2>&1 &
  BG_PIDS[$name]=$!
}

join_background() {  # waits for every background stage, then prints each whole output as one block
  local name rc
  for name in "${!BG_PIDS[@]}"; do
    rc=0
    printf '\n===== waiting for stage %s\n' "$name"
    wait "${BG_PIDS[$name]}" || rc=$?
    printf '\n===== stage %s (ran in the background): output\n' "$name"
    cat "$LOGS/$name.log"
    record "$name" "$rc" $(( $(date +%s) - BG_T0[$name] ))
  done
  BG_PIDS=()
}

collection_copy() {
  # ansible-test needs the collection at .../ansible_collections/multihomed/rke2: copy the tracked tree there.
  local dest=$OUT/ansible_collections/multihomed/rke2
  mkdir -p "$dest"
  git ls-files -z --cached --others --exclude-standard | grep -zv '^\.collections/' \
    | rsync -a --from0 --files-from=- ./ "$dest/"
  # A file deleted from the tree since the last copy goes from the copy too (rsync's --delete ignores --files-from).
  local keep; keep=$(mktemp)
  git ls-files --cached --others --exclude-standard | grep -v '^\.collections/' | sort > "$keep"
  (cd "$dest" && find . -path ./.git -prune -o -path ./tests/output -prune -o -type f -print | sed 's|^\./||' | sort) \
    | comm -23 - "$keep" | (cd "$dest" && xargs -r -d '\n' rm -f --)
  rm -f "$keep"
  # ansible-test lints only what git tracks when it sees a repository: give the copy its own.
  (cd "$dest" && { [ -d .git ] || git init -q; } && git add -A && git -c user.email=ci@local -c user.name=ci commit -qm tree --allow-empty >/dev/null)
  # Collections we depend on (doc fragments, module_utils) come from the `ansible` package, beside the copy.
  local site; site=$(python -c 'import ansible_collections, os; print(os.path.dirname(list(ansible_collections.__path__)[-1]))')
  for dep in kubernetes/core ansible/utils ansible/posix community/general containers/podman; do
    mkdir -p "$OUT/ansible_collections/${dep%/*}"
    ln -sfn "$site/ansible_collections/$dep" "$OUT/ansible_collections/$dep"
  done
  echo "$dest"
}

lint() {
  yamllint -s . && ansible-lint --profile production
}

sanity() {
  local dest; dest=$(collection_copy) || return 1
  (cd "$dest" && ansible-test sanity --venv --python 3.11 --color no)
}

units() {
  local dest; dest=$(collection_copy) || return 1
  (cd "$dest" && ansible-test units --venv --python 3.11 --color no)
}

pytests() {
  pytest -p no:cacheprovider -o junit_family=xunit2 --junitxml="$OUT/pytest.xml" --durations=10
}

compat_tests() {  # the roles' local-host paths under the oldest and the newest ansible-core claimed (tests/compat/)
  pytest -p no:cacheprovider -o junit_family=xunit2 --junitxml="$OUT/pytest-compat.xml" tests/compat
}

lab_tests() {  # the 6-host lab over SSH (tests marked lab): check mode, converge, rollbacks, drift, write-ups
  # Its own kube-apiserver instance: the pytest stage runs one beside it (state directory and ports differ).
  MULTIHOMED_TEST_APISERVER_STATE=/run/multihomed-rke2/apiserver-lab MULTIHOMED_TEST_APISERVER_PORT=17543 \
    MULTIHOMED_TEST_ETCD_PORT=17579 \
    pytest -p no:cacheprovider -m lab -o junit_family=xunit2 --junitxml="$OUT/pytest-lab.xml" tests/integration
}

molecule_all() {
  local rc=0
  molecule test --all || rc=$?
  scripts/molecule-networks.sh remove-all  # the shared dependency step creates them; nothing else removes them
  return "$rc"
}

main() {  # stage
  T0=$(date +%s)
  case "$1" in
    lint) run_stage lint lint ;;
    sanity) run_stage sanity sanity ;;
    units) run_stage units units ;;
    compat) run_stage compat compat_tests ;;
    pytest) run_stage pytest pytests ;;
    molecule) run_stage molecule molecule_all ;;
    lab) run_stage lab lab_tests ;;
    all)
      # Molecule (its own containers and networks, entered with nsenter) runs beside the other stages, which share
      # nothing with it: on 2 cores the run takes about the longer of the two lanes instead of their sum.
      start_background molecule molecule_all
      # The lab stage waits mostly on timers (rollbacks) and the hosts: a third lane.
      start_background lab lab_tests
      # pytest waits on ansible-playbook runs, containers and the API server a good part of its time: a fourth lane
      # (measured: the three-lane run kept the 2 cores about two thirds busy).
      start_background pytest pytests
      # Ctrl-C reaches the background stages too (same process group); a TERM from CI must stop them as well.
      trap 'for p in "${BG_PIDS[@]}"; do pkill -TERM -P "$p"; kill "$p"; done 2>/dev/null; exit 143' TERM
      run_stage lint lint
      run_stage sanity sanity
      run_stage units units
      run_stage compat compat_tests
      join_background
      ;;
    *) echo "usage: $0 all|lint|sanity|units|compat|pytest|molecule|lab" >&2; exit 2 ;;
  esac
  summary
}

summary() {  # each stage's time, every pytest summary line of units, pytest and molecule, the total; exits
  local line name f p f1 passed=0 failed=0
  printf '\n===== summary (%ss in all)\n' "$(( $(date +%s) - T0 ))"
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  for name in "${RAN[@]}"; do
    f=$LOGS/$name.log
    case "$name" in units|compat|pytest|molecule|lab) ;; *) continue ;; esac
    # ansible-test units runs pytest once per kind of test, molecule once per scenario: count every summary line
    while IFS= read -r line; do
      echo "$name: $line"
      p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
      f1=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$line" | awk '{s+=$1} END {print s+0}')
      passed=$((passed + ${p:-0})); failed=$((failed + ${f1:-0}))
    done < <(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$f")
  done
  echo "total: ${passed} passed, ${failed} failed"
  exit "$FAILED"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "${1:-all}"; fi
