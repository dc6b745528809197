#!/usr/bin/env bash
# The local lab: the reference topology as podman containers running systemd.
#   lab.sh up       create networks and hosts (idempotent), wait for systemd
#   lab.sh down     remove every container and network of the lab
#   lab.sh status   hosts, their NICs and addresses
# Hosts are left as an installer leaves VMs: sshd running, an admin user `lab` with sudo, the cluster NIC (the only
# NIC of servers) carrying the host's cluster address (/etc/netplan/00-installer-config.yaml), the agents' other NICs
# bare. The controller reaches every host over SSH on its cluster address, through its own address 198.18.40.250 on
# the cluster network's bridge (it never joins storage or services). A key pair is made per lab (0600) and each
# host's key is recorded at lab-up (read through podman, out of band, like a VM console) and checked by ssh.
# Networks are --internal podman networks with no IPAM: NICs come up WITHOUT addresses, the roles configure them.
# A helper container, mh-gw, holds .1 on every network (the gateway the model names) and runs dnsmasq as the
# DHCP server of the storage, services and bridged segments, and a small web server at 198.18.60.31 on services
# (standing for the reference lab's nginx at 172.16.60.31). Only 198.18.0.0/15 addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${MULTIHOMED_IMAGE:-localhost/multihomed-rke2-node:bookworm}
LABEL=multihomed.rke2.lab=1
STATE=/run/multihomed-rke2/lab/hosts
SSH_DIR=/run/multihomed-rke2/lab/ssh
CONTROLLER=198.18.40.250/24
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
    [ "$(podman inspect -f '{{.Image}}' "$name")" = "$(podman image inspect -f '{{.Id}}' "$IMAGE")" ] ||
      missing+=" the current image"
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
  local state="" _
  # Just after `podman run`, systemd may not have its bus yet (systemctl prints nothing): ask again.
  for _ in $(seq 1 60); do
    state=$(podman exec "$1" systemctl is-system-running --wait 2>/dev/null || true)
    [ -n "$state" ] && break
    sleep 0.5
  done
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
  controller_ssh
  echo "lab up: servers ${SERVERS[*]}, agents ${AGENTS[*]} ($EXTRA_HOST with eth2), gateway/DHCP/web $WEB mh-gw"
  echo "lab: ssh -F $SSH_DIR/config mh-wrk-1 (user lab, sudo); inventories/lab reaches the hosts the same way"
}

cluster_address() {  # host -> its cluster address, from the lab inventory (one source of truth)
  awk '$1 == "cluster:" {print $2}' "inventories/lab/host_vars/$1.yml"
}

installer() {  # host, cluster address: what a VM installer leaves; done once per host (marker file)
  local h=$1 addr=$2
  # The host's own name resolves (sudo looks it up; a resolver timeout costs 10 s per task).
  podman exec "$h" sh -c "grep -q ' $h\$' /etc/hosts || echo '127.0.1.1 $h' >> /etc/hosts"
  podman exec -i "$h" sh -c "set -e
    [ -e /etc/multihomed-lab-installed ] && exit 0
    id lab >/dev/null 2>&1 || useradd -m -s /bin/bash lab
    printf 'lab ALL=(ALL) NOPASSWD:ALL\n' > /etc/sudoers.d/lab && chmod 0440 /etc/sudoers.d/lab
    install -d -m 0700 -o lab -g lab /home/lab/.ssh
    install -m 0600 -o lab -g lab /dev/stdin /home/lab/.ssh/authorized_keys
    printf '%s\n' 'network:' '  version: 2' '  ethernets:' '    ens192:' '      addresses: [$addr/24]' \
      '      routes: [{to: default, via: ${addr%.*}.1}]' > /etc/netplan/00-installer-config.yaml
    chmod 0600 /etc/netplan/00-installer-config.yaml
    netplan generate && networkctl reload && networkctl reconfigure ens192
    touch /etc/multihomed-lab-installed" < "$SSH_DIR/id_ed25519.pub"
}

controller_ssh() {  # the controller's address on the cluster network, the lab key, recorded host keys, ssh config
  local br h addr key
  br=$(podman network inspect mh-cluster -f '{{.NetworkInterface}}')
  ip addr replace "$CONTROLLER" dev "$br"
  ip link set "$br" up
  mkdir -p "$SSH_DIR" && chmod 0700 "$SSH_DIR"
  [ -s "$SSH_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "multihomed-rke2 lab $(date +%F)" -f "$SSH_DIR/id_ed25519"
  chmod 0600 "$SSH_DIR/id_ed25519"
  : > "$SSH_DIR/known_hosts.new"
  : > "$SSH_DIR/config"
  for h in "${SERVERS[@]}" "${AGENTS[@]}"; do
    addr=$(cluster_address "$h")
    installer "$h" "$addr"
    for _ in $(seq 1 30); do podman exec "$h" test -s /etc/ssh/ssh_host_ed25519_key.pub && break; sleep 0.5; done
    key=$(podman exec "$h" cat /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f1,2)
    echo "$addr $key" >> "$SSH_DIR/known_hosts.new"
    printf 'Host %s\n  HostName %s\n  User lab\n  IdentityFile %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n' \
      "$h" "$addr" "$SSH_DIR/id_ed25519" "$SSH_DIR/known_hosts" >> "$SSH_DIR/config"
  done
  mv "$SSH_DIR/known_hosts.new" "$SSH_DIR/known_hosts"
  for h in "${SERVERS[@]}" "${AGENTS[@]}"; do  # sshd answers on the cluster address, with the recorded key
    for _ in $(seq 1 40); do ssh -F "$SSH_DIR/config" -o BatchMode=yes -o ConnectTimeout=2 "$h" true 2>/dev/null && break; sleep 0.5; done
    ssh -F "$SSH_DIR/config" -o BatchMode=yes -o ConnectTimeout=3 "$h" true ||
      { echo "lab: $h does not answer ssh on $(cluster_address "$h")" >&2; return 1; }
  done
}

gateway() {  # .1 on every network; DHCP (dnsmasq, no router option) on every network but the cluster and eth2 ones
  local spec dev pfx opts=()
  for spec in "${NETWORKS[@]}" "${EXTRA[@]}"; do
    dev=$(cut -d: -f2 <<<"$spec"); pfx=$(cut -d: -f3 <<<"$spec")
    podman exec mh-gw ip addr replace "$pfx.1/24" dev "$dev"
    podman exec mh-gw ip link set "$dev" up
    [ "$dev" = ens192 ] || [ "$dev" = eth2 ] || opts+=(--interface="$dev" --dhcp-range="$pfx.100,$pfx.199,255.255.255.0,1h")
  done
  # IPv6 on the cluster network for inventories/lab-dualstack (gateway6 2001:db8:40::1, documentation prefix).
  podman exec mh-gw ip -6 addr replace 2001:db8:40::1/64 dev ens192 nodad
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
  rm -rf "$SSH_DIR" "$STATE"
  echo "lab down"
}

status() {
  for h in "${SERVERS[@]}" "${AGENTS[@]}" mh-gw; do
    if podman container exists "$h"; then
      echo "== $h"
      # Both families (inventories/lab-dualstack adds IPv6), without the link-local addresses every NIC has.
      podman exec "$h" ip -brief addr show scope global | grep -v '^lo' || true
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
