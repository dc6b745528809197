# multihomed.rke2: one entry point for set-up, the local lab and the tests. Run as root on Debian 12.
SHELL := /bin/bash
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
HOST ?= mh-wrk-1

.PHONY: setup lab lab-up lab-down lab-shell lab-status test lint sanity units compat pytest molecule lock apiserver-up apiserver-down build release bench clean

setup:  ## install Debian packages, the pinned venv, podman fixes, the node image (idempotent)
	@scripts/setup.sh

lab: setup  ## the main job: lab up, local API server, site.yml, pod-network proof, summary
	@scripts/lab.sh up
	@scripts/run-lab.sh

lab-up: setup
	@scripts/lab.sh up

lab-down:
	@scripts/lab.sh down

lab-shell:  ## a shell on a lab host over SSH, as on a VM (user lab, sudo)
	@ssh -F /run/multihomed-rke2/lab/ssh/config $(HOST)

lab-status:
	@scripts/lab.sh status

apiserver-up: setup
	@scripts/kube-apiserver.sh start

apiserver-down:
	@scripts/kube-apiserver.sh stop

test: setup  ## everything: lint, sanity, units, pytest suites, molecule; fails on any failure
	@scripts/test.sh all

lint: setup
	@scripts/test.sh lint

sanity: setup
	@scripts/test.sh sanity

units: setup
	@scripts/test.sh units

compat: setup  ## the roles' local-host paths under the oldest and the newest ansible-core claimed
	@scripts/test.sh compat

pytest: setup
	@scripts/test.sh pytest

molecule: setup
	@scripts/test.sh molecule

lock: setup  ## re-resolve requirements.txt and tests/compat/*.txt from their .in files, with hashes (on purpose)
	@scripts/lock.sh

build release: setup  ## build the collection tarball into build/
	@mkdir -p build && $(VENV)/bin/ansible-galaxy collection build --force --output-path build .

bench: setup
	@$(VENV)/bin/python tests/benchmarks/bench_model.py
	@$(VENV)/bin/python tests/benchmarks/bench_nad.py
	@bash tests/benchmarks/bench_lab.sh

clean: lab-down apiserver-down
	@rm -rf build tests/output
