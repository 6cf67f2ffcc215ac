#!/bin/sh
# Packages the exported ResNet-20 as a model bundle with the gateway's own packager and unpacks its model/ folder
# into this module's resources (what the Maven build puts in the bundle):
#
#   models/fashion-mnist-resnet/package.sh EXPORT_DIR TEST_ACCURACY
#
# EXPORT_DIR holds resnet20.onnx as train.py wrote it; TEST_ACCURACY is the accuracy train.py measured (training.json).
# Calibration: the first 64 images of the Fashion-MNIST training set (never test images). Needs the console built
# in this tree: mvn -B -o package -pl cloud/console -am -DskipTests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export_dir=$1
accuracy=$2
jar=$export_dir/fashion-mnist-resnet20.jar
"$root/cloud/console/target/morphgate-console/bin/morphgate-console" model package "$export_dir/resnet20.onnx" \
    --id fashion-mnist-resnet20 --version 1.0.0 --labels "$here/labels.txt" --mean 0.286 --std 0.353 \
    --calibration /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz --calibration-count 64 \
    --test-accuracy "$accuracy" --out "$jar"
rm -rf "$here/src/main/resources/model"
mkdir -p "$here/src/main/resources"
(cd "$here/src/main/resources" && unzip -q "$jar" 'model/*')
ls -l "$here/src/main/resources/model"
