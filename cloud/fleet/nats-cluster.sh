#!/usr/bin/env bash
# A 3-node NATS cluster on one machine, each node with its MQTT listener and JetStream (which MQTT needs: sessions,
# retained messages and QoS 1 subscriptions live in JetStream streams). Debian's nats-server (2.9).
#
#   cloud/fleet/nats-cluster.sh start  DIR [NODE]   # all three nodes, or one (n1, n2, n3)
#   cloud/fleet/nats-cluster.sh stop   DIR [NODE]   # orderly stop (SIGTERM, then SIGKILL after 10 s)
#   cloud/fleet/nats-cluster.sh status DIR          # one line per node: running/stopped and its MQTT URL
#
# DIR holds each node's configuration, JetStream store, log and pid file (DIR/n1/...). Ports, node i = 1..3 at
# BASE + i - 1 (override by environment):
#   NATS_MQTT_BASE 1883, NATS_CLIENT_BASE 4222, NATS_CLUSTER_BASE 6222, NATS_MONITOR_BASE 8222, NATS_HOST 127.0.0.1
# `start` returns when every node started answers on its MQTT port and its /healthz says ok (JetStream ready), or
# fails after 30 s with the log's tail.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR [n1|n2|n3]" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1; dir=$2; only=${3:-}
host=${NATS_HOST:-127.0.0.1}
mqtt_base=${NATS_MQTT_BASE:-1883}
client_base=${NATS_CLIENT_BASE:-4222}
cluster_base=${NATS_CLUSTER_BASE:-6222}
monitor_base=${NATS_MONITOR_BASE:-8222}
nodes=(n1 n2 n3)
if [ -n "$only" ]; then
  case "$only" in n1|n2|n3) ;; *) usage ;; esac
fi

index() { echo $(( ${1#n} - 1 )); }

pid_of() {
  local f="$dir/$1/nats.pid"
  if [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then cat "$f"; fi
}

config() {
  local node=$1 i routes="" other
  i=$(index "$node")
  for other in "${nodes[@]}"; do
    [ "$other" = "$node" ] || routes+="    nats-route://$host:$(( cluster_base + $(index "$other") ))"$'\n'
  done
  cat <<EOF
# written by nats-cluster.sh
server_name: $node
listen: $host:$(( client_base + i ))
http: $host:$(( monitor_base + i ))
pid_file: "$dir/$node/nats.pid"
jetstream {
  store_dir: "$dir/$node/jetstream"
  max_memory_store: 256MB
  max_file_store: 2GB
}
cluster {
  name: morphgate
  listen: $host:$(( cluster_base + i ))
  routes: [
$routes  ]
}
mqtt {
  listen: $host:$(( mqtt_base + i ))
  # NATS 2.9 sizes the MQTT streams (sessions, messages, retained) by the routes it knows when the first MQTT client
  # connects: often 2 on a cluster just started, and a stream of 2 replicas has no quorum once a node is lost. Say 3.
  stream_replicas: 3
  # the JetStream consumer behind each QoS 1 subscription: replicated too, or a node's loss stalls its subscriptions
  consumer_replicas: 3
  # how long the server waits for a QoS 1 PUBACK from a client before redelivering
  ack_wait: "30s"
}
EOF
}

listening() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# the monitor's /healthz says ok once JetStream (and so MQTT's session store) is usable on that node
healthy() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/$host/$1" && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && cat <&3) 2>/dev/null) || return 1
  [[ $reply == *'"status":"ok"'* ]]
}

start_node() {
  local node=$1
  if [ -n "$(pid_of "$node")" ]; then echo "$node already running (pid $(pid_of "$node"))"; return; fi
  mkdir -p "$dir/$node/jetstream"
  config "$node" > "$dir/$node/nats.conf"
  # detached from our stdout/stderr: a caller reading them to the end would otherwise wait for the server
  nats-server -c "$dir/$node/nats.conf" -l "$dir/$node/nats.log" </dev/null >>"$dir/$node/nats.out" 2>&1 &
  disown
}

wait_ready() {
  local node=$1 port deadline
  port=$(( mqtt_base + $(index "$node") ))
  deadline=$(( SECONDS + 30 ))
  until listening "$port" && healthy $(( monitor_base + $(index "$node") )); do
    if [ $SECONDS -ge $deadline ]; then
      echo "$node: no MQTT listener on $host:$port, or not healthy, after 30 s; log:" >&2
      tail -n 20 "$dir/$node/nats.log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  echo "$node ready: mqtt tcp://$host:$port"
}

stop_node() {
  local node=$1 pid
  pid=$(pid_of "$node")
  if [ -z "$pid" ]; then echo "$node not running"; return; fi
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { echo "$node stopped"; return; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  echo "$node killed (no exit 10 s after SIGTERM)"
}

selected=("${nodes[@]}")
[ -z "$only" ] || selected=("$only")

case "$action" in
  start)
    command -v nats-server >/dev/null || { echo "nats-server not found: apt-get install -y nats-server" >&2; exit 3; }
    mkdir -p "$dir"; dir=$(cd "$dir" && pwd -P)
    for n in "${selected[@]}"; do start_node "$n"; done
    for n in "${selected[@]}"; do wait_ready "$n"; done
    ;;
  stop)
    [ -d "$dir" ] || { echo "no cluster in $dir"; exit 0; }
    dir=$(cd "$dir" && pwd -P)
    for n in "${selected[@]}"; do stop_node "$n"; done
    ;;
  status)
    [ -d "$dir" ] && dir=$(cd "$dir" && pwd -P)
    for n in "${selected[@]}"; do
      pid=$(pid_of "$n")
      port=$(( mqtt_base + $(index "$n") ))
      if [ -n "$pid" ]; then echo "$n running pid $pid mqtt tcp://$host:$port"; else echo "$n stopped"; fi
    done
    ;;
  *) usage ;;
esac
