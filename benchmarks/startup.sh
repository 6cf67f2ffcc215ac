#!/usr/bin/env bash
# Start-to-ready benchmark of the distribution (no Maven involved), with the heap capped at -Xmx64m, and a demo
# run (inference + hot swaps) under the same cap. Writes docs/benchmarks/startup.md.
# Run after `mvn -B install -DskipTests` from the repository root:  benchmarks/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
dist=gateway/target/morphgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export JAVA_OPTS="-Xmx64m"

ready_ms() { grep -o 'ready in [0-9]* ms' "$1" | grep -o '[0-9]*'; }
stats() { sort -n | awk '{v[NR]=$1} END {p50=v[int((NR+1)/2)]; i=int(NR*0.99+0.999); if(i<1)i=1; print p50, v[i], v[1], v[NR]}'; }

fresh=() ; warm=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  "$dist/bin/morphgate" --data-dir "$work/data" --exit-after-start >"$work/fresh.log" 2>&1
  fresh+=("$(ready_ms "$work/fresh.log")")
  "$dist/bin/morphgate" --data-dir "$work/data" --exit-after-start >"$work/warm.log" 2>&1
  warm+=("$(ready_ms "$work/warm.log")")
done
read -r f50 f99 fmin fmax < <(printf '%s\n' "${fresh[@]}" | stats)
read -r w50 w99 wmin wmax < <(printf '%s\n' "${warm[@]}" | stats)
bundles=$(grep -o '([0-9]* bundles active)' "$work/fresh.log")

rm -rf "$work/data"
set +e
/usr/bin/time -v "$dist/bin/morphgate" --data-dir "$work/data" \
  --features morphgate-core,morphgate-model-fashion-mnist,morphgate-operator-lowrank,morphgate-demo --demo >"$work/demo.log" 2>"$work/time.log"
demo_exit=$?
set -e
# the launcher logs to stderr: time -v output is appended to the same file
classified=$(grep -c 'demo: image' "$work/time.log" || true)
swaps=$(grep -c 'serving generation' "$work/time.log" || true)
oom=$(grep -c 'OutOfMemoryError' "$work/time.log" || true)
rss_kb=$(grep 'Maximum resident set size' "$work/time.log" | grep -o '[0-9]*$')

out=docs/benchmarks/startup.md
cat >"$out" <<MD
# Start to ready, and a demo run, with -Xmx64m

Measured $(date -u +%F) on $(nproc) cores, $(java -version 2>&1 | head -1), by \`benchmarks/startup.sh $runs\`:
the distribution in \`gateway/target/morphgate\` started $runs times with \`JAVA_OPTS=-Xmx64m\` and
\`--exit-after-start\`; "ready" is the launcher's own figure from JVM start until every bundle is active
$bundles. Machines here are noisy: read medians.

| start | runs | median ms | p99 ms | min ms | max ms |
|---|---|---|---|---|---|
| fresh data dir (bundles installed from repository/) | $runs | $f50 | $f99 | $fmin | $fmax |
| existing data dir (bundles from the framework cache) | $runs | $w50 | $w99 | $wmin | $wmax |

Goal: ready in at most 3 s.

## Demo under -Xmx64m

\`--features morphgate-core,morphgate-model-fashion-mnist,morphgate-operator-lowrank,morphgate-demo --demo\`: the demo client classifies a
Fashion-MNIST test image a second while the launcher stops and restarts the low-rank operator bundle.

| exit code | images classified | swaps committed | OutOfMemoryError lines | max RSS (heap capped, ONNX Runtime is native) |
|---|---|---|---|---|
| $demo_exit | $classified | $swaps | $oom | $((rss_kb / 1024)) MB |
MD
cat "$out"
