#!/usr/bin/env bash
# Networks of a Molecule scenario: mh-<scenario>-cluster|storage|services, --internal, no IPAM (NICs start bare).
#   molecule-networks.sh create SCENARIO | remove SCENARIO | remove-all
# Platforms attach with extra_opts: --network=mh-<scenario>-cluster:interface_name=ens192 (and so on).
set -euo pipefail
LABEL=multihomed.rke2.molecule=1
case "${1:-}" in
  create)
    for n in cluster storage services; do
      name="mh-${2:?scenario}-$n"
      podman network exists "$name" || podman network create --internal --ipam-driver none --label "$LABEL" "$name" >/dev/null
    done ;;
  remove)
    for n in cluster storage services; do podman network rm -f "mh-${2:?scenario}-$n" >/dev/null 2>&1 || true; done ;;
  remove-all)
    for name in $(podman network ls -q --filter "label=$LABEL"); do podman network rm -f "$name" >/dev/null || true; done ;;
  *) echo "usage: $0 create|remove SCENARIO | remove-all" >&2; exit 2 ;;
esac
