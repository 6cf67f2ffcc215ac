#!/usr/bin/env bash
# Fuzzes every Jazzer target for a fixed budget each (default 60 s; longer on demand: benchmarks/fuzz.sh 600).
# In the normal build (`mvn -B verify`) the same @FuzzTest methods only replay their committed seeds; here
# JAZZER_FUZZ=1 makes each one fuzz, coverage-guided, until the budget is spent or it finds a crash. A finding fails
# that target; Jazzer writes the reproducer (crash-<sha1>) into the target's seed directory under src/test/resources,
# so once committed it is replayed by every later build. The growing corpus stays in <module>/.cifuzz-corpus/
# (ignored by git). Extra Maven arguments come from MVN_ARGS, e.g. MVN_ARGS="-o -Dmaven.repo.local=/path".
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${1:-60}"
mvn_args=(${MVN_ARGS:-})
targets=(
  "bundles/control-mqtt CommandDecodingFuzzTest#decode"
  "bundles/onnx OnnxModelFuzzTest#readCheckEvaluate"
  "bundles/deployment JarInspectionFuzzTest#inspect"
  "bundles/deployment JarInspectionFuzzTest#inspectBuiltJar"
)

# the targets' modules and what they depend on, built once without tests
modules=$(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)
mvn -B -q "${mvn_args[@]}" install -DskipTests -pl "$modules" -am

failed=()
logs=$(mktemp -d)
for target in "${targets[@]}"; do
  read -r module test <<<"$target"
  echo "== fuzzing $test ($module) for ${budget}s; full log: $logs/${test//#/.}.log"
  # -Xmx1g: a target that allocates without bound fails with an OutOfMemoryError finding instead of swapping
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${budget}s" mvn -B "${mvn_args[@]}" test -pl "$module" \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx1g >"$logs/${test//#/.}.log" 2>&1; then
    failed+=("$test")
  fi
  grep -a -E 'Done [0-9]+ runs|== Java Exception|crash-[0-9a-f]+|Tests run:.*Fail' "$logs/${test//#/.}.log" | sort -u | head -8
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (reproducers under the targets' src/test/resources/.../*Inputs/)"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${budget}s each, no findings"
