#!/usr/bin/env python3
"""Trains a ResNet-20 on Fashion-MNIST, as a user would, and exports it to ONNX for a Morphgate model bundle.

    /usr/bin/python3 models/fashion-mnist-resnet/train.py --out models/fashion-mnist-resnet/src/main/resources/model

The network (He et al. 2016, CIFAR ResNet-20 layout, for 28x28x1): a 3x3 stem of 16 channels, three stages of three
basic blocks (two 3x3 convs with BN, a residual add, ReLU after the add) of 16, 32 and 64 channels; the first conv of
stages 2 and 3 has stride 2 and its block's shortcut is a 1x1 stride-2 conv with BN (torchvision's "downsample");
global average pool, one Linear to 10 classes. 19 3x3 convs, 2 1x1 convs, 272,186 parameters, 31.0 M MACs.

Training: SGD with Nesterov momentum 0.9, weight decay 5e-4, batch 128, a one-cycle learning rate (peak 0.2),
random horizontal flips, images normalised with the built-in model's mean 0.286 and std 0.353. Fixed seeds and a
fixed thread count (--threads) make a run repeatable on the same machine. Progress is printed per epoch.
Export: eval mode (BatchNorm folded into the convs by the exporter), opset 13, input "input" [N,1,28,28], output
"logits" [N,10], the batch axis dynamic; checked with onnx.checker, and ONNX Runtime's outputs compared with
PyTorch's when onnxruntime is importable. Writes OUT/resnet20.onnx and OUT/training.json (what was run, the test
accuracy measured here in PyTorch, times).

Needs Debian's python3-torch, python3-onnx and the data of dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
"""
import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261202
OPSET = 13
MEAN, STD = 0.286, 0.353
DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte.gz"))
    x = (torch.from_numpy(images.astype(np.float32)) / 255.0 - MEAN) / STD
    return x.unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class ResNet20(nn.Module):
    def __init__(self, classes=10, widths=(16, 32, 64), blocks=3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            stage = []
            for b in range(blocks):
                stage.append(BasicBlock(cin, w, 2 if (i > 0 and b == 0) else 1))
                cin = w
            layers.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(cin, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


def macs(model):
    """Multiply-accumulates of one 28x28 sample: convs and the Linear (what the gateway counts, roughly)."""
    total = []

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total.append(out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])
        elif isinstance(m, nn.Linear):
            total.append(m.in_features * m.out_features)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in handles:
        h.remove()
    return sum(total)


def evaluate(model, x, y, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def train(model, x, y, xt, yt, args):
    g = torch.Generator().manual_seed(SEED)
    per_epoch = min(args.subset or len(x), len(x))
    steps = args.epochs * ((per_epoch + args.batch - 1) // args.batch)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.25)
    history, start = [], time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=g)[:per_epoch]
        seen, loss_sum, correct = 0, 0.0, 0
        for i in range(0, per_epoch, args.batch):
            idx = order[i:i + args.batch]
            xb, yb = x[idx], y[idx]
            flip = torch.rand(len(idx), generator=g) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            seen += len(idx)
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            if (i // args.batch + 1) % 100 == 0:
                print("  epoch %d: %d/%d images, loss %.4f, %.0f s"
                      % (epoch, seen, per_epoch, loss_sum / seen, time.time() - start), flush=True)
        acc = evaluate(model, xt, yt)
        row = {"epoch": epoch, "images": seen, "train_loss": round(loss_sum / seen, 4),
               "train_accuracy": round(correct / seen, 4), "test_accuracy": acc,
               "seconds": round(time.time() - start, 1)}
        history.append(row)
        print("epoch %d/%d: %d images, loss %.4f, train %.2f%%, test %.2f%%, %.0f s"
              % (epoch, args.epochs, seen, row["train_loss"], 100 * row["train_accuracy"], 100 * acc,
                 row["seconds"]), flush=True)
    return history, time.time() - start


def export(model, path):
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=OPSET,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          training=torch.onnx.TrainingMode.EVAL, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def check_with_onnxruntime(model, path, x):
    try:
        import onnxruntime
    except ImportError:
        return None
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = model(x).numpy()
    got = session.run(None, {"input": x.numpy()})[0]
    return float(np.abs(got - expected).max())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="folder for resnet20.onnx and training.json")
    p.add_argument("--data", default=DATA, help="folder with the four Fashion-MNIST .gz IDX files")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--subset", type=int, default=0, help="training images per epoch (a random draw; 0: all 60,000)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.2)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(args.threads)
    x, y = load(args.data, "train")
    xt, yt = load(args.data, "test")
    model = ResNet20()
    params = sum(p.numel() for p in model.parameters())
    print("ResNet-20: %d parameters, %d MACs per 28x28 image; %d training images, %d test images, %d threads"
          % (params, macs(model), len(x), len(xt), args.threads), flush=True)
    history, seconds = train(model, x, y, xt, yt, args)
    accuracy = evaluate(model, xt, yt)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "resnet20.onnx")
    export(model, onnx_path)
    diff = check_with_onnxruntime(model, onnx_path, xt[:256])
    report = {"network": "ResNet-20 (16/32/64, 3 blocks per stage), 28x28x1", "seed": SEED,
              "parameters": params, "macs": macs(model), "epochs": args.epochs,
              "images_per_epoch": min(args.subset or len(x), len(x)), "batch": args.batch, "max_lr": args.lr,
              "threads": args.threads, "training_seconds": round(seconds, 1),
              "test_accuracy": accuracy, "onnx_bytes": os.path.getsize(onnx_path),
              "onnxruntime_max_abs_diff": diff, "history": history,
              "torch": torch.__version__, "python": platform.python_version()}
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print("test accuracy %.2f%% (PyTorch), %d s of training; wrote %s (%d bytes)%s"
          % (100 * accuracy, seconds, onnx_path, report["onnx_bytes"],
             "" if diff is None else ", ONNX Runtime max |diff| %.2g" % diff))


if __name__ == "__main__":
    sys.exit(main())
