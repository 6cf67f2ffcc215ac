#!/usr/bin/env python3
"""Exports torchvision CNNs to ONNX as real users do (torch.onnx.export), with random weights: no download.

    python3 models/export/export_torchvision.py --out DIR [--size 64] [--models resnet18,mobilenet_v2,vgg11_bn,resnet18-bn]
    python3 models/export/export_torchvision.py --out DIR --models zoo    # the other classifiers (ZOO), not for CI

For each model it writes DIR/<name>.onnx and DIR/<name>.json, a Morphgate model descriptor (docs/models.md): ImageNet
mean/std, 3 channels, RGB, no resize (the inputs are already at the model's size), output "logits", no labels.
Every model: torch.manual_seed(SEED) right before it is built, eval mode, opset 13, input "input" [N,3,size,size],
output "logits" [N,1000], the batch axis dynamic. The files are checked with onnx.checker before they count.

- resnet18, mobilenet_v2: torchvision's models as they are; the exporter folds each BatchNorm into its conv (a bias).
- vgg11_bn: torchvision's features (its convolutions: the slots) with the head sized for the input: its
  AdaptiveAvgPool2d((7, 7)) cannot be exported below 224x224 (ONNX's AveragePool cannot upsample 2x2 to 7x7) and
  its 25088x4096 first Linear alone is 411 MB, over the gateway's 256 MB model limit; so the pool is global and the
  first Linear reads 512 features. The rest of the classifier is torchvision's.
- resnet18-bn: ResNet-18 with its BatchNormalization nodes kept (TrainingMode.PRESERVE on an eval model, no constant
  folding), for graph code that must handle unfolded batch norms; refused unless the BN nodes are there.
- zoo (ZOO): torchvision's other classification CNNs as they are, with three changes only where an export at a small
  input needs them: alexnet and vgg16_bn get vgg11_bn's head (global pool, first Linear reading the features);
  googlenet and inception_v3 are built without their auxiliary heads; inception_v3 is exported at 75x75 at least
  (MIN_SIZE: the smallest it accepts). A zoo model whose export fails is written as DIR/<name>.failed (the error) and
  the others go on, so a harness can report it; the exit code is then 1.

A model whose files exist and whose descriptor says the same size is not exported again (tests call this repeatedly).
Needs Debian's python3-torch, python3-torchvision and python3-onnx (no PyPI).
"""
import argparse
import json
import os
import sys

SEED = 20261202
MODELS = ("resnet18", "mobilenet_v2", "vgg11_bn", "resnet18-bn")
ZOO = ("resnet34", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "squeezenet1_1",
       "shufflenet_v2_x1_0", "mnasnet1_0", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0",
       "regnet_y_400mf", "regnet_x_400mf", "googlenet", "inception_v3", "alexnet", "vgg16_bn", "convnext_tiny")
MIN_SIZE = {"inception_v3": 75}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
OPSET = 13


def build(name):
    import torch
    import torchvision
    torch.manual_seed(SEED)
    if name in ("resnet18", "resnet18-bn"):
        return torchvision.models.resnet18(weights=None)
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(weights=None)
    if name in ("vgg11_bn", "vgg16_bn", "alexnet"):
        return with_global_head(getattr(torchvision.models, name)(weights=None))
    if name == "googlenet":
        return torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
    if name == "inception_v3":
        return torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True)
    if name in ZOO:
        return getattr(torchvision.models, name)(weights=None)
    raise SystemExit("unknown model %r (known: %s)" % (name, ", ".join(MODELS + ZOO)))


def with_global_head(model):
    """vgg's and alexnet's head for small inputs: a global pool, and the first Linear reads the features' channels."""
    import torch
    first = next(i for i, m in enumerate(model.classifier) if isinstance(m, torch.nn.Linear))
    channels = [m for m in model.features if isinstance(m, torch.nn.Conv2d)][-1].out_channels
    model.avgpool = torch.nn.AdaptiveAvgPool2d((1, 1))
    model.classifier[first] = torch.nn.Linear(channels, model.classifier[first].out_features)
    return model


def export(name, size, onnx_path):
    import torch
    model = build(name).eval()
    keep_bn = name.endswith("-bn")
    dummy = torch.zeros(1, 3, size, size)
    with torch.no_grad():
        torch.onnx.export(
            model, dummy, onnx_path, opset_version=OPSET,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            training=torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL,
            do_constant_folding=not keep_bn)
    check(name, onnx_path, keep_bn)


def check(name, onnx_path, keep_bn):
    import onnx
    model = onnx.load(onnx_path)
    onnx.checker.check_model(model)
    ops = [n.op_type for n in model.graph.node]
    bn = ops.count("BatchNormalization")
    if keep_bn and bn == 0:
        os.remove(onnx_path)
        raise SystemExit("%s: the export has no BatchNormalization node (they were folded): refusing it" % name)
    if keep_bn and "Dropout" in ops:
        os.remove(onnx_path)
        raise SystemExit("%s: the export kept training-only Dropout nodes: refusing it" % name)
    print("%s: %d nodes (%d Conv, %d BatchNormalization), %d bytes"
          % (name, len(ops), ops.count("Conv"), bn, os.path.getsize(onnx_path)))


def descriptor(name, size):
    return {
        "id": name,
        "version": "1.0.0",
        "description": "torchvision %s, random weights (torch.manual_seed(%d)), exported by "
                       "models/export/export_torchvision.py at %dx%d, opset %d" % (name, SEED, size, size, OPSET),
        "onnx": name + ".onnx",
        "input": {"tensor": "input", "channels": 3, "height": size, "width": size, "resize": 0,
                  "channelOrder": "RGB", "mean": IMAGENET_MEAN, "std": IMAGENET_STD},
        "output": {"tensor": "logits"},
        "labels": [],
    }


def up_to_date(onnx_path, json_path, size):
    if not (os.path.isfile(onnx_path) and os.path.isfile(json_path)):
        return False
    try:
        with open(json_path) as f:
            d = json.load(f)
        return d["input"]["height"] == size and d["input"]["width"] == size
    except (ValueError, KeyError, TypeError):
        return False


def require_packages():
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError as e:
        raise SystemExit("%s: this script needs Debian's python3-torch, python3-torchvision and python3-onnx "
                         "(apt-get install python3-torch python3-torchvision python3-onnx); if another python3 "
                         "comes first on the PATH, run it with /usr/bin/python3" % e)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for <name>.onnx and <name>.json")
    parser.add_argument("--size", type=int, default=64, help="input height and width (default 64)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated, of: " + ", ".join(MODELS + ZOO) + "; 'zoo' stands for all of ZOO")
    args = parser.parse_args()
    names = []
    for m in (m.strip() for m in args.models.split(",") if m.strip()):
        names.extend(ZOO if m == "zoo" else [m])
    unknown = [m for m in names if m not in MODELS + ZOO]
    if unknown:
        parser.error("unknown model(s) %s (known: %s)" % (", ".join(unknown), ", ".join(MODELS + ZOO)))
    if args.size < 32:
        parser.error("--size must be at least 32 (five stride-2 stages)")
    require_packages()
    os.makedirs(args.out, exist_ok=True)
    failed = 0
    for name in names:
        size = max(args.size, MIN_SIZE.get(name, 0))
        onnx_path = os.path.join(args.out, name + ".onnx")
        json_path = os.path.join(args.out, name + ".json")
        failed_path = os.path.join(args.out, name + ".failed")
        if up_to_date(onnx_path, json_path, size):
            print("%s: %s is already exported at %dx%d" % (name, onnx_path, size, size))
            continue
        if name not in ZOO:
            export(name, size, onnx_path)
        else:
            try:
                export(name, size, onnx_path)
            except Exception as e:  # a zoo model that does not export is a result: recorded, the others go on
                failed += 1
                reason = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
                print("%s: export failed: %s" % (name, reason), file=sys.stderr)
                with open(failed_path, "w") as f:
                    f.write(reason + "\n")
                continue
        if os.path.exists(failed_path):
            os.remove(failed_path)
        with open(json_path, "w") as f:
            json.dump(descriptor(name, size), f, indent=2)
            f.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
