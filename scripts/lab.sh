#!/usr/bin/env bash
# The local lab: the reference topology as podman containers running systemd.
#   lab.sh up       create networks and hosts (idempotent), wait for systemd
#   lab.sh down     remove every container and network of the lab
#   lab.sh status   hosts, their NICs and addresses
# Networks are --internal podman networks with no IPAM: NICs come up WITHOUT addresses, the roles configure them.
# A helper container, mh-gw, holds .1 on every network (the gateway the model names) and runs dnsmasq as the
# DHCP server of the storage, services and bridged segments, and a small web server at 198.18.60.31 on services
# (standing for the reference lab's nginx at 172.16.60.31). Only 198.18.0.0/15 addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${MULTIHOMED_IMAGE:-localhost/multihomed-rke2-node:bookworm}
LABEL=multihomed.rke2.lab=1
STATE=/run/multihomed-rke2/lab/hosts
# name:device:cidr (mh-bridged: the segment of a bridge attachment; its pods reach each other through the host bridges)
NETWORKS=("mh-cluster:ens192:198.18.40" "mh-storage:ens224:198.18.50" "mh-services:ens256:198.18.60"
  "mh-bridged:ens161:198.18.70")
# The 2018 Multus write-up's eth2 network (10.40.40.0/24 there): on mh-wrk-1 only (inventory group lab_eth2), no DHCP.
EXTRA=("mh-writeup2018:eth2:198.18.72")
EXTRA_HOST=mh-wrk-1
WEB=198.18.60.31
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
  for spec in "${NETWORKS[@]}" "${EXTRA[@]}"; do
    podman network exists "${spec%%:*}" ||
      podman network create --internal --ipam-driver none --label "$LABEL" "${spec%%:*}" >/dev/null
  done
  for h in "${SERVERS[@]}"; do start_host "$h" "${NETWORKS[0]}"; done
  for h in "${AGENTS[@]}"; do
    if [ "$h" = "$EXTRA_HOST" ]; then start_host "$h" "${NETWORKS[@]}" "${EXTRA[@]}"; else start_host "$h" "${NETWORKS[@]}"; fi
  done
  start_host mh-gw "${NETWORKS[@]}" "${EXTRA[@]}"
  for h in "${SERVERS[@]}" "${AGENTS[@]}" mh-gw; do wait_host "$h"; done
  gateway
  echo "lab up: servers ${SERVERS[*]}, agents ${AGENTS[*]} ($EXTRA_HOST with eth2), gateway/DHCP/web $WEB mh-gw"
}

gateway() {  # .1 on every network; DHCP (dnsmasq, no router option) on every network but the cluster and eth2 ones
  local spec dev pfx opts=()
  for spec in "${NETWORKS[@]}" "${EXTRA[@]}"; do
    dev=$(cut -d: -f2 <<<"$spec"); pfx=$(cut -d: -f3 <<<"$spec")
    podman exec mh-gw ip addr replace "$pfx.1/24" dev "$dev"
    podman exec mh-gw ip link set "$dev" up
    [ "$dev" = ens192 ] || [ "$dev" = eth2 ] || opts+=(--interface="$dev" --dhcp-range="$pfx.100,$pfx.199,255.255.255.0,1h")
  done
  # mh-gw answers for its own addresses only: nothing is forwarded between the lab's networks.
  podman exec mh-gw sysctl -qw net.ipv4.ip_forward=0 2>/dev/null || true
  # The web server on services (the reference lab's nginx): a python3 http.server in its own namespace lab-web inside
  # mh-gw, on a macvlan of mh-gw's services NIC, so that mh-gw itself does not own the address.
  if ! podman exec mh-gw ip netns exec lab-web true 2>/dev/null; then
    podman exec mh-gw sh -c "ip netns add lab-web && ip link add web0 link ens256 type macvlan mode bridge &&
      ip link set web0 netns lab-web && ip -n lab-web addr add $WEB/24 dev web0 && ip -n lab-web link set web0 up &&
      ip -n lab-web link set lo up"
  fi
  if ! podman exec mh-gw systemctl is-active -q lab-web 2>/dev/null; then
    podman exec mh-gw sh -c 'mkdir -p /run/lab-web && printf "%s\n" "<!DOCTYPE html>" "<html>" "<head>" \
      "<title>Welcome to the lab web server (stands for nginx at 172.16.60.31)</title>" "</head>" "</html>" \
      > /run/lab-web/index.html'
    podman exec mh-gw systemd-run --unit lab-web --quiet \
      ip netns exec lab-web python3 -m http.server 80 --bind "$WEB" --directory /run/lab-web
  fi
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
  for spec in "${NETWORKS[@]}" "${EXTRA[@]}"; do
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
