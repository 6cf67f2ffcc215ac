#!/usr/bin/env bash
# What the embedded MQTT broker costs the gateway: two distributions (e.g. one built with Moquette 0.17, one with
# HiveMQ CE) started alternately with -Xmx64m, and each also with an external broker URL (no embedded broker) as the
# baseline. Per start: "ready" (the launcher's figure from JVM start), the wall-clock of --exit-after-start (start +
# stop), and, for a gateway left running 15 s after ready, its RSS and used heap (jcmd GC.heap_info) and the time
# SIGTERM takes. Writes docs/benchmarks/broker.md.
#   benchmarks/broker.sh <label-a> <dist-a> <label-b> <dist-b> [runs]
# No Maven involved; build each distribution first (gateway/target/morphgate).
set -euo pipefail
cd "$(dirname "$0")/.."
label_a=$1 dist_a=$2 label_b=$3 dist_b=$4 runs=${5:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export JAVA_OPTS="-Xmx64m"
features=morphgate-core,morphgate-model-fashion-mnist,morphgate-operator-lowrank,morphgate-control

ready_ms() { grep -o 'ready in [0-9]* ms' "$1" | grep -o '[0-9]*' || echo NA; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
now_ms() { date +%s%3N; }

# one --exit-after-start run: prints "ready_ms wall_ms"
exit_after_start() {
  local dist=$1 data=$2; shift 2
  local t0 t1
  t0=$(now_ms)
  "$dist/bin/morphgate" --data-dir "$data" --features "$features" --exit-after-start "$@" >"$work/run.log" 2>&1
  t1=$(now_ms)
  echo "$(ready_ms "$work/run.log") $((t1 - t0))"
}

# a gateway left running: prints "rss_mb heap_used_mb stop_ms"
steady() {
  local dist=$1 data=$2; shift 2
  "$dist/bin/morphgate" --data-dir "$data" --features "$features" "$@" >"$work/steady.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do grep -q 'ready in' "$work/steady.log" && break; sleep 0.1; done
  sleep 15
  local rss heap t0 t1
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
  heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*' | awk '{print int($1 / 1024)}')
  t0=$(now_ms)
  kill -TERM "$pid"
  wait "$pid" || true
  t1=$(now_ms)
  echo "$rss ${heap:-NA} $((t1 - t0))"
}

declare -A ready wall rss heap stop
for i in $(seq 1 "$runs"); do
  for variant in "a embedded" "b embedded" "a external" "b external"; do
    set -- $variant
    which=$1 mode=$2
    dist=$dist_a; [ "$which" = b ] && dist=$dist_b
    extra=(--broker-port 0); [ "$mode" = external ] && extra=(--broker-url tcp://127.0.0.1:1)
    key="$which-$mode"
    rm -rf "$work/data"
    read -r r w < <(exit_after_start "$dist" "$work/data" "${extra[@]}")
    ready[$key]+="$r "; wall[$key]+="$w "
    rm -rf "$work/data"
    read -r s h p < <(steady "$dist" "$work/data" "${extra[@]}")
    rss[$key]+="$s "; heap[$key]+="$h "; stop[$key]+="$p "
  done
done

med() { printf '%s\n' $1 | median; }
row() {
  local key=$1 name=$2
  echo "| $name | $(med "${ready[$key]}") | $(med "${wall[$key]}") | $(med "${stop[$key]}") | $(med "${rss[$key]}") | $(med "${heap[$key]}") |"
}

out=docs/benchmarks/broker.md
cat >"$out" <<MD
# What the embedded MQTT broker costs

Measured $(date -u +%F) on $(nproc) cores, $(java -version 2>&1 | head -1), load average at the end
$(cut -d' ' -f1-3 /proc/loadavg), by \`benchmarks/broker.sh $label_a ... $label_b ... $runs\`: each distribution
started $runs times with \`JAVA_OPTS=-Xmx64m\`, features \`$features\`, fresh data dir each time, the four
variants alternating so that machine load hits them alike. "external" passes \`--broker-url tcp://127.0.0.1:1\`:
no embedded broker (the control bundle retries in the background), the baseline of the same build.
Medians of $runs runs.

| gateway | ready ms | --exit-after-start wall ms | SIGTERM to exit ms | RSS MB (15 s after ready) | heap used MB (same moment) |
|---|---|---|---|---|---|
$(row a-embedded "$label_a, embedded broker")
$(row a-external "$label_a, no broker")
$(row b-embedded "$label_b, embedded broker")
$(row b-external "$label_b, no broker")

Raw values (run order):

| gateway | ready ms | wall ms | stop ms | RSS MB | heap MB |
|---|---|---|---|---|---|
| $label_a embedded | ${ready[a-embedded]} | ${wall[a-embedded]} | ${stop[a-embedded]} | ${rss[a-embedded]} | ${heap[a-embedded]} |
| $label_a external | ${ready[a-external]} | ${wall[a-external]} | ${stop[a-external]} | ${rss[a-external]} | ${heap[a-external]} |
| $label_b embedded | ${ready[b-embedded]} | ${wall[b-embedded]} | ${stop[b-embedded]} | ${rss[b-embedded]} | ${heap[b-embedded]} |
| $label_b external | ${ready[b-external]} | ${wall[b-external]} | ${stop[b-external]} | ${rss[b-external]} | ${heap[b-external]} |

Distribution sizes: $label_a $(du -sh "$dist_a" | cut -f1) (lib/ $(du -sh "$dist_a/lib" | cut -f1)),
$label_b $(du -sh "$dist_b" | cut -f1) (lib/ $(du -sh "$dist_b/lib" | cut -f1)).
MD
cat "$out"
