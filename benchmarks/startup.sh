#!/usr/bin/env bash
# Start and stop of the distribution (no Maven involved) on its default features, with the heap capped at -Xmx64m,
# and a demo run (inference + hot swaps) under the same cap. Writes docs/benchmarks/startup.md.
#   [SETTLE=10] [BASELINE_LABEL="main at <commit>"] benchmarks/startup.sh [runs] [baseline-dist]
# Build first (`mvn -B -DskipTests install`, or `mvn -B -o package -pl gateway -am -DskipTests`): this script builds
# nothing. It measures gateway/target/morphgate; with a baseline distribution (e.g. a copy of gateway/target/morphgate
# built from another commit) both are run alternately, so that machine load hits them alike.
#
# Per run, on a fresh data dir, the embedded broker on a free port and HTTP on a free port:
#   ready      the launcher's "Morphgate ready in N ms" (from JVM start until every bundle is active and, from this
#              change on, the embedded broker listens)
#   serving    from launching bin/morphgate until the HTTP inference endpoint answers 200 (a model serves)
#   stop       after SETTLE seconds (default 10), from SIGTERM until the process has exited
# and, once per distribution, an --exit-after-start run's wall clock (start, ready, stop).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
baseline=${2:-}
settle=${SETTLE:-10}
current=gateway/target/morphgate
work=$(mktemp -d)
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
export JAVA_OPTS="-Xmx64m"

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready_ms() { grep -o 'ready in [0-9]* ms' "$1" | grep -o '[0-9]*' || echo NA; }
stats() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}'; }
python3 -c 'import json; print(json.dumps({"tensor": [0.0] * 784}))' >"$work/zeros.json"

# one start, first inference, stop: prints "ready_ms serving_ms stop_ms exit_code"
one_run() {
  local dist=$1 cds=$2 http t0 serving=NA t1 t2 code
  http=$(free_port)
  rm -rf "$work/data"
  t0=$(now_ms)
  MORPHGATE_CDS=$cds "$dist/bin/morphgate" --data-dir "$work/data" --broker-port 0 --http-port "$http" \
    >"$work/run.log" 2>&1 &
  echo $! >"$work/pid"
  for _ in $(seq 1 1200); do
    kill -0 "$(cat "$work/pid")" 2>/dev/null || break
    if curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$work/zeros.json" \
        "http://127.0.0.1:$http/morphgate/v1/infer" 2>/dev/null | grep -q 200; then
      serving=$(($(now_ms) - t0))
      break
    fi
    sleep 0.05
  done
  for _ in $(seq 1 600); do grep -q 'ready in' "$work/run.log" && break; sleep 0.1; done
  sleep "$settle"
  t1=$(now_ms)
  kill -TERM "$(cat "$work/pid")"
  set +e; wait "$(cat "$work/pid")"; code=$?; set -e
  t2=$(now_ms)
  grep -q 'NoClassDefFoundError' "$work/run.log" && code="$code+NoClassDefFoundError"
  echo "$(ready_ms "$work/run.log") $serving $((t2 - t1)) $code"
}

exit_after_start_ms() {
  local dist=$1 cds=$2 t0
  rm -rf "$work/data"
  t0=$(now_ms)
  MORPHGATE_CDS=$cds "$dist/bin/morphgate" --data-dir "$work/data" --broker-port 0 --http-port "$(free_port)" --exit-after-start \
    >"$work/eas.log" 2>&1 || true
  echo $(($(now_ms) - t0))
}

declare -A ready serving stop codes wall
# "current" starts from its class archive (class data sharing, bin/morphgate's default), "current-nocds" without
variants=(current-nocds current)
[ -n "$baseline" ] && variants=(baseline current-nocds current)
dist_of() { if [ "$1" = baseline ]; then echo "$baseline"; else echo "$current"; fi; }
cds_of() { if [ "$1" = current ]; then echo auto; else echo off; fi; }
# the first run with class data sharing archives the classes at its exit: done once before measuring, timed apart
rm -rf "$current/cds"
archiving_wall=$(exit_after_start_ms "$current" auto)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  for v in "${variants[@]}"; do
    read -r r s p c < <(one_run "$(dist_of "$v")" "$(cds_of "$v")")
    ready[$v]+="$r "; serving[$v]+="$s "; stop[$v]+="$p "; codes[$v]+="$c "
    echo "run $i $v: ready $r ms, serving $s ms, stop $p ms, exit $c (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
for v in "${variants[@]}"; do
  wall[$v]=$(exit_after_start_ms "$(dist_of "$v")" "$(cds_of "$v")")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
bundles=$(grep -o '[0-9]* bundles active' "$work/run.log" | tail -1 || true)

row() {
  local v=$1 name=$2 r50 rmin rmax s50 smin smax p50 pmin pmax
  read -r r50 rmin rmax < <(printf '%s\n' ${ready[$v]} | stats)
  read -r s50 smin smax < <(printf '%s\n' ${serving[$v]} | stats)
  read -r p50 pmin pmax < <(printf '%s\n' ${stop[$v]} | stats)
  echo "| $name | $r50 ($rmin-$rmax) | $s50 ($smin-$smax) | $p50 ($pmin-$pmax) | ${wall[$v]} | ${codes[$v]}|"
}

rm -rf "$work/data"
set +e
/usr/bin/time -v "$current/bin/morphgate" --data-dir "$work/data" --broker-port 0 --http-port "$(free_port)" \
  --features morphgate-core,morphgate-model-fashion-mnist,morphgate-operator-lowrank,morphgate-demo --demo >"$work/demo.log" 2>"$work/time.log"
demo_exit=$?
set -e
# the launcher logs to stderr: time -v output is appended to the same file
classified=$(grep -c 'demo: image' "$work/time.log" || true)
swaps=$(grep -c 'serving generation' "$work/time.log" || true)
oom=$(grep -c 'OutOfMemoryError' "$work/time.log" || true)
rss_kb=$(grep 'Maximum resident set size' "$work/time.log" | grep -o '[0-9]*$')

out=docs/benchmarks/startup.md
{
cat <<MD
# Start to ready, first inference, clean stop, and a demo run, with -Xmx64m

Measured $(date -u +%F) on $(nproc) cores, $(java -version 2>&1 | head -1), load average $load_before before and
$load_after after, by \`benchmarks/startup.sh $runs${baseline:+ <baseline>}\`: the distribution in \`gateway/target/morphgate\`
$([ -n "$baseline" ] && echo "and a baseline distribution, alternately,") started $runs times with \`JAVA_OPTS=-Xmx64m\`,
the default features (\`conf/features.list\`, $bundles), a fresh data dir, the embedded broker and HTTP on free ports.
"ready" is the launcher's own figure from JVM start; "serving" is from launching \`bin/morphgate\` until
\`POST /morphgate/v1/infer\` answers 200; "stop" is from SIGTERM, $settle s after ready, until the process exited.
Medians, (min-max) in brackets, all in ms. Machines here are shared and noisy: compare rows measured together.

| distribution | ready | serving | SIGTERM to exit | --exit-after-start wall (1 run) | exit codes |
|---|---|---|---|---|---|
MD
[ -n "$baseline" ] && row baseline "${BASELINE_LABEL:-baseline ($baseline)}"
row current-nocds "this build, MORPHGATE_CDS=off"
row current "this build, from its class archive (default)"
cat <<MD

The archiving run (the first start of a distribution with a Java: \`--exit-after-start\`, classes archived at exit):
$archiving_wall ms wall, once, before the runs above.

Goal: ready in at most 3 s, a clean stop in at most 1 s. Where the time goes: \`docs/design-notes.md\`, "Start and
stop with the embedded broker".

Raw values (run order):

| distribution | ready | serving | stop |
|---|---|---|---|
MD
for v in "${variants[@]}"; do echo "| $v | ${ready[$v]}| ${serving[$v]}| ${stop[$v]}|"; done
cat <<MD

## Demo under -Xmx64m

\`--features morphgate-core,morphgate-model-fashion-mnist,morphgate-operator-lowrank,morphgate-demo --demo\`: the demo
client classifies a Fashion-MNIST test image a second while the launcher stops and restarts the low-rank operator bundle.

| exit code | images classified | swaps committed | OutOfMemoryError lines | max RSS (heap capped, ONNX Runtime is native) |
|---|---|---|---|---|
| $demo_exit | $classified | $swaps | $oom | $((rss_kb / 1024)) MB |

Earlier figures (Moquette 0.17, then HiveMQ CE with the broker started before the framework): this file's git
history, and \`broker.md\`.
MD
} >"$out"
cat "$out"
