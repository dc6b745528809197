#!/usr/bin/env bash
# A real kube-apiserver (built from Debian's `kubernetes` source package) with Debian's etcd, on 127.0.0.1.
#   kube-apiserver.sh build   build and cache the binary (about 5 min on 2 cores; skipped when cached)
#   kube-apiserver.sh start   start etcd + apiserver, wait until ready, write a kubeconfig; prints its path
#   kube-apiserver.sh stop    stop both and remove their state
#   kube-apiserver.sh env     print KUBECONFIG=... for the running server
# No cluster, no nodes: enough to apply CRDs and custom resources, which is what the collection manages.
set -euo pipefail
CACHE=${MULTIHOMED_CACHE:-/var/cache/multihomed-rke2}
BIN=$CACHE/bin/kube-apiserver
STATE=${MULTIHOMED_APISERVER_STATE:-/run/multihomed-rke2/apiserver}
PORT=${MULTIHOMED_APISERVER_PORT:-16443}
ETCD_PORT=${MULTIHOMED_ETCD_PORT:-12379}

build() {
  # Test lanes running side by side build it once: the second waits here, then finds the binary. The lock is held
  # by a subshell only: the servers start() runs afterwards must not inherit it (they would hold it for their life,
  # and every later start would wait on it forever).
  mkdir -p "$CACHE"
  if [ -x "$BIN" ]; then echo "kube-apiserver cached at $BIN"; return; fi
  ( flock 8; build_locked ) 8>"$CACHE/.build.lock"
}

build_locked() {
  if [ -x "$BIN" ]; then echo "kube-apiserver cached at $BIN"; return; fi
  local src=$CACHE/src
  mkdir -p "$src" "$CACHE/bin"
  if ! ls "$src"/kubernetes_*.dsc >/dev/null 2>&1; then
    if ! grep -qs '^Types: deb deb-src' /etc/apt/sources.list.d/debian.sources; then
      sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
    fi
    apt-get update -qq
    (cd "$src" && apt-get source --download-only kubernetes >/dev/null 2>&1)
  fi
  local tree
  tree=$(mktemp -d /var/tmp/kubernetes-src.XXXX)
  (cd "$tree" && dpkg-source --no-check -x "$src"/kubernetes_*.dsc k8s >/dev/null)
  # The vendored reflect2 1.0.1 segfaults under Go >= 1.18: use Debian's packaged copy instead.
  rm -rf "$tree/k8s/vendor/github.com/modern-go/reflect2"
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$tree/k8s/vendor/github.com/modern-go/reflect2"
  rm -f "$tree/k8s/vendor/github.com/modern-go/reflect2/go.mod"
  (cd "$tree/k8s" && PATH=/usr/lib/go-1.19/bin:$PATH CGO_ENABLED=0 KUBE_GIT_VERSION=v1.20.2 \
     GOFLAGS=-mod=vendor make WHAT=cmd/kube-apiserver >/dev/null)
  cp "$tree/k8s/_output/bin/kube-apiserver" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
  rm -rf "$tree"
  echo "kube-apiserver built at $BIN"
}

start() {
  build
  mkdir -p "$STATE"
  if [ -f "$STATE/kubeconfig" ] && curl -sfk --max-time 2 -H "Authorization: Bearer $(cat "$STATE/token")" \
       "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
    echo "$STATE/kubeconfig"; return
  fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$STATE"
  cd "$STATE"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout apiserver.key -out apiserver.crt >/dev/null 2>&1
  openssl genrsa -out sa.key 2048 >/dev/null 2>&1
  openssl rsa -in sa.key -pubout -out sa.pub >/dev/null 2>&1
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > token
  chmod 0600 token
  (umask 077 && echo "$(cat token),admin,admin,system:masters" > tokens.csv)
  setsid etcd --name mh --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "mh=http://127.0.0.1:$((ETCD_PORT + 1))" >etcd.log 2>&1 < /dev/null &
  echo $! > etcd.pid
  setsid "$BIN" --etcd-servers "http://127.0.0.1:$ETCD_PORT" --bind-address 127.0.0.1 --secure-port "$PORT" \
    --tls-cert-file apiserver.crt --tls-private-key-file apiserver.key --token-auth-file tokens.csv \
    --authorization-mode RBAC --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file sa.pub --service-account-signing-key-file sa.key \
    --service-cluster-ip-range 10.43.0.0/16 --endpoint-reconciler-type none --enable-priority-and-fairness=false \
    >apiserver.log 2>&1 < /dev/null &
  echo $! > apiserver.pid
  cat > kubeconfig <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority-data: $(base64 -w0 apiserver.crt)
users:
- name: admin
  user:
    token: $(cat token)
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KC
  chmod 0600 kubeconfig
  for _ in $(seq 1 120); do
    if curl -sf --cacert apiserver.crt -H "Authorization: Bearer $(cat token)" \
         "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
      echo "$STATE/kubeconfig"; return
    fi
    sleep 0.5
  done
  echo "kube-apiserver did not become ready; last log lines:" >&2
  tail -n 20 apiserver.log >&2
  exit 1
}

stop() {
  for p in apiserver etcd; do
    if [ -f "$STATE/$p.pid" ]; then
      kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true
    fi
  done
  sleep 1
  for p in apiserver etcd; do
    [ -f "$STATE/$p.pid" ] && kill -9 "$(cat "$STATE/$p.pid")" 2>/dev/null || true
  done
  rm -rf "$STATE"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  env) echo "KUBECONFIG=$STATE/kubeconfig" ;;
  *) echo "usage: $0 build|start|stop|env" >&2; exit 2 ;;
esac
