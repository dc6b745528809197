#!/usr/bin/env bash
# Idempotent machine set-up for developing and testing multihomed.rke2 (Debian 12, root).
# Every step checks whether it is already done, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
CACHE=${MULTIHOMED_CACHE:-/var/cache/multihomed-rke2}
IMAGE=${MULTIHOMED_IMAGE:-localhost/multihomed-rke2-node:bookworm}
APT_PACKAGES=(podman runc debootstrap containernetworking-plugins netplan.io iputils-ping dnsmasq-base
  etcd-server golang-1.19-go rsync golang-github-modern-go-reflect2-dev python3-venv make openssl jq
  graphviz librsvg2-bin openssh-client)

t0=$(date +%s) ts=
step() {  # prints how long the previous step took (none before the first), then the next step's name
  local now; now=$(date +%s)
  [ -z "$ts" ] || printf '   (%ss)\n' $(( now - ts ))
  ts=$now
  printf '\n== setup: %s\n' "$*"
}

step "Debian packages"
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
else
  echo "all present"
fi

step "podman configuration (ulimits, cgroups, netavark, 198.18.0.0/24 default subnet)"
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
mkdir -p /etc/containers
conf=$(cat <<CONF
# Written by multihomed.rke2 scripts/setup.sh
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[network]
network_backend = "netavark"
default_subnet = "198.18.0.0/24"
[engine]
runtime = "runc"
CONF
)
if [ "$(cat /etc/containers/containers.conf 2>/dev/null)" != "$conf" ]; then
  printf '%s\n' "$conf" > /etc/containers/containers.conf
  echo "written"
else
  echo "unchanged"
fi

step "Python virtualenv (.venv) from the lock requirements.txt (every package, with hashes)"
# Made anew whenever the lock changes, so the venv holds exactly what the lock says (nothing left from before).
# --no-deps: the lock already lists every dependency; --require-hashes: nothing else can come in. -qq: errors only
# (a machine whose pip.conf names index folders it lacks would print a line per package and folder).
install_locked() {  # venv dir, python, lock file
  local venv=$1 python=$2 lock=$3 stamp=$1/.lock.sha256 want
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$venv: up to date ($lock)"
    return 0
  fi
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -qq --disable-pip-version-check --require-hashes --no-deps -r "$lock"
  "$venv/bin/python" -m pip check -q >/dev/null || { "$venv/bin/python" -m pip check >&2; return 1; }
  echo "$want" > "$stamp"
  echo "$venv: installed from $lock"
}
install_locked .venv "$PYTHON" requirements.txt

step "compatibility venvs (.venv-compat/): the oldest and the newest ansible-core claimed, from their own locks"
# tests/compat/: the compat stage of `make test` runs the roles' local-host paths under each. The newest ansible-core
# needs Python 3.13: from PATH or pyenv. Without one, that lane of the stage fails and says so; set-up goes on.
install_locked .venv-compat/oldest "$PYTHON" tests/compat/oldest.txt
PY313=
for py in python3.13 /root/.pyenv/versions/3.13*/bin/python3.13; do  # a pyenv shim on PATH may not run: try it
  if "$py" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then PY313=$py; break; fi
done
if [ -n "$PY313" ]; then
  install_locked .venv-compat/newest "$PY313" tests/compat/newest.txt
else
  echo "no Python 3.13 (PATH, pyenv): .venv-compat/newest not made, the compat stage's newest lane will fail"
fi

step "node image $IMAGE (debootstrap + podman import, cached; rebuilt when its recipe changes)"
# The VMs of a real deployment, as an installer leaves them: systemd, netplan + networkd, NetworkManager (installed,
# off), sshd with host keys made at first boot (never shared between hosts), sudo for the admin user lab.sh adds.
PACKAGES=python3,systemd,systemd-sysv,udev,dbus,iproute2,sudo,netplan.io,iputils-ping,procps,kmod,iptables,ca-certificates,python3-apt,network-manager,libpam-systemd,dnsmasq-base,containernetworking-plugins,openssh-server
RECIPE=$(printf '%s\n' "$PACKAGES" "ssh-hostkeys-first-boot v1" | sha256sum | cut -c1-16)
if [ "$(podman image inspect -f '{{index .Labels "multihomed.recipe"}}' "$IMAGE" 2>/dev/null)" != "$RECIPE" ]; then
  rootfs=$(mktemp -d /var/tmp/multihomed-rootfs.XXXX)
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$rootfs" http://deb.debian.org/debian >/dev/null \
    || { tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2; exit 1; }
  # NetworkManager is installed for the NM backend tests but off by default: netplan + networkd is the default.
  chroot "$rootfs" systemctl disable NetworkManager NetworkManager-wait-online >/dev/null 2>&1 || true
  chroot "$rootfs" systemctl enable systemd-networkd >/dev/null 2>&1 || true
  # Host keys: made by each host at its first boot, as cloud-init or an installer does (the package made some here).
  rm -f "$rootfs"/etc/ssh/ssh_host_*
  cat > "$rootfs/etc/systemd/system/ssh-hostkeys.service" <<'UNIT'
[Unit]
Description=SSH host keys of this host, made at first boot
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
Before=ssh.service

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target ssh.service
UNIT
  chroot "$rootfs" systemctl enable ssh-hostkeys.service ssh.service >/dev/null 2>&1
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' \
    --change "LABEL multihomed.recipe=$RECIPE" - "$IMAGE" >/dev/null
  rm -rf "$rootfs"
  echo "built"
else
  echo "present"
fi

step "ansible-test get-pip stand-in (ensurepip in a subprocess, then pip install)"
mkdir -p ~/.ansible/test/cache
for ver in 24_2 24_3 25_0 25_1 25_2 25_3; do
  cp scripts/get_pip_standin.py ~/.ansible/test/cache/get_pip_${ver}.py
done
echo "in place"
step "done"
echo "setup done in $(( $(date +%s) - t0 )) s"
