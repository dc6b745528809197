# -*- coding: utf-8 -*-
"""The locks are the only place versions live, and what is installed is what they say.

requirements.txt (the controller toolchain, .venv) and tests/compat/{oldest,newest}.txt (the compat stage's venvs)
are made by `make lock` (scripts/lock.sh) from their .in files, with a hash for every package. A venv that kept a
package the lock no longer lists, or another version of one, fails here: a fresh machine would install something
else than the machine that ran the tests.
"""
import json
import os
import re
import subprocess
import sys

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCKS = {  # lock file -> (its .in file, the venv installed from it)
    "requirements.txt": ("requirements.in", os.path.dirname(os.path.dirname(sys.executable))),
    "tests/compat/oldest.txt": ("tests/compat/oldest.in", os.path.join(ROOT, ".venv-compat", "oldest")),
    "tests/compat/newest.txt": ("tests/compat/newest.in", os.path.join(ROOT, ".venv-compat", "newest")),
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\;]+)")


def read_lock(path):
    """{name: (version, [hashes])} of a lock file, hashes from its continuation lines."""
    locked, name = {}, None
    with open(os.path.join(ROOT, path)) as f:
        for line in f:
            match = PIN.match(line)
            if match:
                name = canonicalize_name(match.group(1))
                locked[name] = (match.group(2), [])
            for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
                locked[name][1].append(digest)
    return locked


def read_in(path):
    with open(os.path.join(ROOT, path)) as f:
        lines = [line.split("#", 1)[0].strip() for line in f]
    return [Requirement(line) for line in lines if line]


def installed(venv):
    out = subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "list", "--format", "json",
                          "--disable-pip-version-check"], capture_output=True, text=True, check=True).stdout
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(out)}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_locked_package_is_pinned_with_hashes(lock):
    locked = read_lock(lock)
    assert locked, lock
    assert [n for n, (_v, hashes) in locked.items() if not hashes] == []


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_the_in_file_and_its_lock_agree(lock):
    """Every top-level requirement is in the lock, at a version its specifier allows (a pin changed in the .in file
    and not re-locked fails here)."""
    locked = read_lock(lock)
    for req in read_in(LOCKS[lock][0]):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} of {LOCKS[lock][0]} is not in {lock}: run make lock"
        assert req.specifier.contains(locked[name][0], prereleases=True), \
            f"{lock} has {name}=={locked[name][0]}, {LOCKS[lock][0]} asks for {req}: run make lock"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_the_venv_holds_exactly_the_lock(lock):
    venv = LOCKS[lock][1]
    if not os.path.exists(os.path.join(venv, "bin", "python")):
        pytest.fail(f"{venv} is missing: make setup installs it from {lock}")
    have = installed(venv)
    want = {name: version for name, (version, _h) in read_lock(lock).items()}
    # What the venv's Python brought itself and the lock does not list (pip, setuptools of `python -m venv`).
    for name in ("pip", "setuptools", "wheel"):
        if name not in want:
            have.pop(name, None)
    assert {n: v for n, v in have.items() if want.get(n) != v} == {}, f"{venv} differs from {lock}: make setup"
    assert sorted(set(want) - set(have)) == [], f"{venv} lacks packages of {lock}: make setup"
