#!/usr/bin/env bash
# Adds up the Surefire and Failsafe XML reports of the last build into one closing line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
tests=0; failed=0; skipped=0
for report in */target/surefire-reports/TEST-*.xml */*/target/surefire-reports/TEST-*.xml \
              */target/failsafe-reports/TEST-*.xml */*/target/failsafe-reports/TEST-*.xml; do
  head=$(grep -m1 -o '<testsuite [^>]*>' "$report")
  attr() { echo "$head" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  tests=$((tests + $(attr tests)))
  failed=$((failed + $(attr failures) + $(attr errors)))
  skipped=$((skipped + $(attr skipped)))
done
echo "Tests: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"
