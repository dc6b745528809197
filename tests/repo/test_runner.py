# -*- coding: utf-8 -*-
"""scripts/test.sh, the runner behind `make test` and `.ci/run`: a failing stage fails the run whether it ran in the
foreground or beside the others in the background; every stage is timed; the pytest summary lines are totalled.

The runner is sourced (it then only defines its functions) and driven with small stage commands, except for the
last test, which runs the real lint stage on a copy of the repository with a broken YAML file."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "test.sh")

STAGES = """
passes() { echo "============ 3 passed in 0.10s ============"; }
fails() { sleep 1; echo "============ 1 failed, 2 passed in 0.20s ============"; return 1; }
"""


def runner(tmp_path, body):
    env = dict(os.environ, MULTIHOMED_TEST_LOGS=str(tmp_path / "logs"))
    # $0 is "bash" here, so the runner sees it is sourced and does not run main.
    return subprocess.run(["bash", "-c", 'source "$1"; ' + STAGES + "T0=$(date +%s); " + body, "bash", SCRIPT],
                          env=env, capture_output=True, text=True, check=False, timeout=120)


def test_background_failure_fails_the_run(tmp_path):
    proc = runner(tmp_path, "start_background molecule fails; run_stage pytest passes; join_background; summary")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "ok    pytest (" in out and "FAIL  molecule (" in out and "exit 1" in out
    # The background stage's output is printed as one block once it ended, before the summary.
    assert out.index("===== stage molecule (ran in the background): output") < out.index("1 failed, 2 passed") \
        < out.index("===== summary")
    assert out.rstrip().endswith("total: 5 passed, 1 failed")


def test_foreground_failure_fails_the_run(tmp_path):
    proc = runner(tmp_path, "start_background molecule passes; run_stage pytest fails; join_background; summary")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL  pytest (" in proc.stdout and "ok    molecule (" in proc.stdout
    assert "total: 5 passed, 1 failed" in proc.stdout


def test_all_stages_pass(tmp_path):
    proc = runner(tmp_path, "start_background molecule passes; run_stage units passes; run_stage pytest passes; "
                            "join_background; summary")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line.split()[:2] for line in proc.stdout.splitlines() if line.startswith(("ok ", "FAIL "))] == \
        [["ok", "units"], ["ok", "pytest"], ["ok", "molecule"]]
    assert "total: 9 passed, 0 failed" in proc.stdout


def test_lint_error_fails_the_real_lint_stage(tmp_path):
    copy = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", ROOT, str(copy)], check=True)
    os.symlink(os.path.join(ROOT, ".venv"), copy / ".venv")
    (copy / "playbooks" / "broken.yml").write_text("- name: Broken\n  hosts: [all\n")
    env = dict(os.environ, MULTIHOMED_TEST_LOGS=str(tmp_path / "logs"))
    proc = subprocess.run(["bash", str(copy / "scripts" / "test.sh"), "lint"], env=env, capture_output=True,
                          text=True, check=False, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "playbooks/broken.yml" in proc.stdout and "FAIL  lint (" in proc.stdout
