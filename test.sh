#!/usr/bin/env bash
# The tests: unit tests, then the integration tests in a real Felix, against real programs. Installs the Debian
# packages they drive when they are missing (as root; otherwise it says what to install and the tests that need them
# skip), exports the torchvision models they load with torch.onnx.export, then runs Maven. Extra arguments go to Maven.
#   ./test.sh                 # everything
#   ./test.sh -pl itests -am  # e.g. one module and what it needs
set -euo pipefail
cd "$(dirname "$0")"

# Fashion-MNIST (demo, evaluator, trainer, accuracy); Mosquitto, its clients and openssl (end-to-end tests through a
# real broker with TLS); chromium (the status page in a headless browser); PyTorch, torchvision and ONNX for Python
# (real exported networks: ResNet-18, MobileNet-V2, VGG-11-BN); NATS (the fleet's 3-node broker cluster with MQTT)
packages=(dataset-fashion-mnist mosquitto mosquitto-clients openssl chromium python3-torch python3-torchvision
  python3-onnx nats-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]}); the tests that need them skip"
  fi
fi

# Real exported networks for the tests (random weights, fixed seed; about 20 s the first time, then kept). Debian's
# Python: a python3 of another installation earlier on the PATH would not have torch.
export MORPHGATE_EXPORTED_MODELS=${MORPHGATE_EXPORTED_MODELS:-$PWD/models/export/target/exported-64}
if /usr/bin/python3 -c 'import torch, torchvision, onnx' 2>/dev/null; then
  /usr/bin/python3 models/export/export_torchvision.py --out "$MORPHGATE_EXPORTED_MODELS" --size 64
else
  echo "no PyTorch for /usr/bin/python3: the tests on exported networks skip"
fi

exec mvn -B verify "$@"
