#!/usr/bin/env bash
# Builds Morphgate and starts a gateway on its embedded defaults with the demo client: the gateway classifies a
# Fashion-MNIST test image every second, then hot-swaps the low-rank operator bundle out and back in while it keeps
# serving, and stops. Every line of the log says which configuration served which request.
set -euo pipefail
cd "$(dirname "$0")"

dataset=/usr/share/datasets/fashion-mnist
if [ ! -f "$dataset/t10k-images-idx3-ubyte.gz" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "demo: installing Debian's dataset-fashion-mnist (test images for the demo client)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "demo: needs Fashion-MNIST: run 'sudo apt-get install dataset-fashion-mnist' first" >&2
    exit 2
  fi
fi

echo "demo: building (mvn install, tests skipped; the test command is './test.sh')"
mvn -B -q -DskipTests install

data=gateway/target/demo-data
rm -rf "$data"
echo "demo: status page at http://127.0.0.1:8080/morphgate/status/ while the gateway runs (port: -Dorg.osgi.service.http.port=N in JAVA_OPTS)"
exec gateway/target/morphgate/bin/morphgate --data-dir "$data" \
  --features morphgate-core,morphgate-model-fashion-mnist,morphgate-policy,morphgate-operator-lowrank,morphgate-control,morphgate-serving,morphgate-demo --demo "$@"
