#!/usr/bin/env bash
# The local lab: the reference topology as podman containers running systemd.
#   lab.sh up       create networks and hosts (idempotent), wait for systemd
#   lab.sh down     remove every container and network of the lab
#   lab.sh status   hosts, their NICs and addresses
# Networks are --internal podman networks with no IPAM: NICs come up WITHOUT addresses, the roles configure them.
# A helper container, mh-gw, holds .1 on every network (the gateway the model names) and runs dnsmasq as the
# DHCP server of the storage and services segments. Only 198.18.0.0/15 addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${MULTIHOMED_IMAGE:-localhost/multihomed-rke2-node:bookworm}
LABEL=multihomed.rke2.lab=1
STATE=/run/multihomed-rke2/lab/hosts
# name:device:cidr (mh-bridged: the segment of a bridge attachment; its pods reach each other through the host bridges)
NETWORKS=("mh-cluster:ens192:198.18.40" "mh-storage:ens224:198.18.50" "mh-services:ens256:198.18.60"
  "mh-bridged:ens161:198.18.70")
SERVERS=(mh-cpl-1 mh-cpl-2 mh-cpl-3)
AGENTS=(mh-wrk-1 mh-wrk-2 mh-wrk-3)
RUN_OPTS=(--systemd=always --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN --label "$LABEL" --dns none
  --security-opt label=disable)

net_opts() {  # networks... -> --network args
  local out=() spec name dev
  for spec in "$@"; do
    name=${spec%%:*}; dev=$(cut -d: -f2 <<<"$spec")
    out+=(--network "$name:interface_name=$dev")
  done
  printf '%s\n' "${out[@]}"
}

start_host() {  # name, network specs...
  local name=$1; shift
  if podman container exists "$name"; then
    local attached spec missing=
    attached=" $(podman inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$name")"
    for spec in "$@"; do [[ "$attached" == *" ${spec%%:*} "* ]] || missing+=" ${spec%%:*}"; done
    podman inspect -f '{{range .Mounts}}{{.Destination}} {{end}}' "$name" | grep -q /etc/machine-id ||
      missing+=" its own machine-id"
    if [ -z "$missing" ]; then
      [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] || podman start "$name" >/dev/null
      return
    fi
    # podman 4.3 cannot name a NIC it connects later (no --interface-name): recreate the host with every network.
    echo "lab: $name lacks$missing; recreating it"
    podman rm -f -t 2 "$name" >/dev/null
  fi
  mapfile -t nets < <(net_opts "$@")
  # Every host its own machine-id (the image holds one): systemd-networkd derives the MACs of the bridges and
  # macvlans it creates, and its DHCP client id, from it; shared, every host's br-<net>/mh-<net> gets the same MAC.
  mkdir -p "$STATE"
  tr -d '-' < /proc/sys/kernel/random/uuid > "$STATE/$name.machine-id"
  podman run -d --name "$name" --hostname "$name" "${RUN_OPTS[@]}" "${nets[@]}" \
    -v "$STATE/$name.machine-id:/etc/machine-id:ro" "$IMAGE" /sbin/init >/dev/null
}

wait_host() {
  local state
  state=$(podman exec "$1" systemctl is-system-running --wait 2>/dev/null || true)
  case "$state" in running|degraded) ;; *) echo "lab: $1 did not boot (systemd: $state)" >&2; return 1 ;; esac
}

up() {
  podman image exists "$IMAGE" || { echo "lab: image $IMAGE missing; run make setup" >&2; exit 1; }
  local spec
  for spec in "${NETWORKS[@]}"; do
    podman network exists "${spec%%:*}" ||
      podman network create --internal --ipam-driver none --label "$LABEL" "${spec%%:*}" >/dev/null
  done
  for h in "${SERVERS[@]}"; do start_host "$h" "${NETWORKS[0]}"; done
  for h in "${AGENTS[@]}"; do start_host "$h" "${NETWORKS[@]}"; done
  start_host mh-gw "${NETWORKS[@]}"
  for h in "${SERVERS[@]}" "${AGENTS[@]}" mh-gw; do wait_host "$h"; done
  gateway
  echo "lab up: servers ${SERVERS[*]}, agents ${AGENTS[*]}, gateway/DHCP mh-gw"
}

gateway() {  # .1 on every network; DHCP (dnsmasq, no router option) on every network but the cluster one
  local spec dev pfx opts=()
  for spec in "${NETWORKS[@]}"; do
    dev=$(cut -d: -f2 <<<"$spec"); pfx=$(cut -d: -f3 <<<"$spec")
    podman exec mh-gw ip addr replace "$pfx.1/24" dev "$dev"
    podman exec mh-gw ip link set "$dev" up
    [ "$dev" = ens192 ] || opts+=(--interface="$dev" --dhcp-range="$pfx.100,$pfx.199,255.255.255.0,1h")
  done
  if ! podman exec mh-gw systemctl is-active -q lab-dnsmasq 2>/dev/null; then
    podman exec mh-gw systemd-run --unit lab-dnsmasq --quiet \
      dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=0 --bind-interfaces \
      --dhcp-leasefile=/run/lab-dnsmasq.leases --dhcp-authoritative --dhcp-option=3 "${opts[@]}"
  fi
}

down() {
  local ids
  ids=$(podman ps -aq --filter "label=$LABEL")
  [ -z "$ids" ] || podman rm -f -t 2 $ids >/dev/null
  for spec in "${NETWORKS[@]}"; do
    ! podman network exists "${spec%%:*}" || podman network rm -f "${spec%%:*}" >/dev/null
  done
  echo "lab down"
}

status() {
  for h in "${SERVERS[@]}" "${AGENTS[@]}" mh-gw; do
    if podman container exists "$h"; then
      echo "== $h"
      podman exec "$h" ip -brief -4 addr show | grep -v '^lo' || true
    else
      echo "== $h: absent"
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
