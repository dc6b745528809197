#!/usr/bin/env bash
# `make lock`: re-resolves every lock on purpose, with hashes, from its short .in file (the only place versions are
# chosen). Run it after changing a pin in an .in file, then `make test`, then commit the .in and .txt files together.
#   requirements.in         -> requirements.txt          the controller toolchain (.venv), Python 3.11 (Debian 12)
#   tests/compat/oldest.in  -> tests/compat/oldest.txt   the oldest ansible-core claimed, Python 3.11
#   tests/compat/newest.in  -> tests/compat/newest.txt   the newest ansible-core, Python 3.13
# uv resolves for a Python version other than its own, so one tool makes all three.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=.venv/bin/uv
[ -x "$UV" ] || { echo "lock: $UV is missing: run make setup first" >&2; exit 1; }
lock() {  # in-file, out-file, python version
  "$UV" pip compile --quiet --generate-hashes --python-version "$3" --custom-compile-command "make lock" "$1" -o "$2"
  echo "locked $2 ($(grep -cE '^[a-zA-Z0-9]' "$2") packages, Python $3)"
}
lock requirements.in requirements.txt 3.11
lock tests/compat/oldest.in tests/compat/oldest.txt 3.11
lock tests/compat/newest.in tests/compat/newest.txt 3.13
