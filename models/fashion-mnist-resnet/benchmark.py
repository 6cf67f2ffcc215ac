#!/usr/bin/env python3
"""Accuracy of the ResNet-20's data-free configurations, measured by the gateway itself (bin/morphgate --evaluate)
on the Fashion-MNIST test set. Writes OUT/*.json (the gateway's reports) and OUT/results.md (the tables of
docs/benchmarks/accuracy.md).

    MORPHGATE_CDS=off /usr/bin/python3 models/fashion-mnist-resnet/benchmark.py --out /tmp/resnet-bench

1. variants: one run with --evaluate default; the derived variants the gateway accepted for the model are read from
   its log ("variant <id> for slot <slot> accepted").
2. singles: the full model and each derived variant swapped in alone, on all test images.
3. search: every configuration of single-slot choices (default layer or a measured derived variant) has exact MACs
   (the full model's plus each choice's change) and a predicted accuracy (the full model's plus each choice's
   single-swap change); the exact Pareto front of (MACs, predicted accuracy) is built slot by slot. For each budget
   (1/2 and 1/3 of the full model's MACs) the --screened best predicted configurations under it are measured on the
   first --screen-images test images, and the best --candidates of those on all of them.
The gateway runs with the model files given (--model, --model-descriptor), the features of conf/features.list
(the low-rank operator) plus --features, and its data folder OUT/data, so derived variants are derived once.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ACCEPTED = re.compile(r"VariantAdmission: variant (\S+) for slot (\S+) accepted")
BUDGETS = ((2.0, "1/2"), (3.0, "1/3"))


def gateway(args, name, configurations, limit):
    """Runs the gateway once with --evaluate for each configuration; returns its report (a list of results)."""
    report = os.path.join(args.out, name + ".json")
    log = os.path.join(args.out, name + ".log")
    cmd = [os.path.join(args.gateway, "bin", "morphgate"), "--data-dir", os.path.join(args.out, "data"),
           "--http-port", str(args.http_port), "--broker-port", "0",
           "--model", os.path.join(args.model_dir, "model.onnx"),
           "--model-descriptor", os.path.join(args.model_dir, "model.json"),
           "--limit", str(limit), "--report", report]
    if args.features:
        with open(os.path.join(args.gateway, "conf", "features.list")) as f:
            default = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        cmd += ["--features", ",".join(default + args.features.split(","))]
    for c in configurations:
        cmd += ["--evaluate", c]
    started = time.time()
    with open(log, "w") as out:
        rc = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT,
                             env=dict(os.environ, MORPHGATE_CDS="off"))
    print("%s: %d configuration(s) on %d images, exit %d, %.0f s" % (name, len(configurations), limit, rc,
                                                                     time.time() - started), flush=True)
    if rc != 0 or not os.path.exists(report):
        sys.exit("the gateway failed; see " + log)
    with open(report) as f:
        results = json.load(f)
    return results, log


def spec(variant_by_slot):
    return ",".join("%s=%s" % kv for kv in sorted(variant_by_slot.items())) or "default"


def pareto(full, slots, options):
    """Exact Pareto front of (MACs, predicted accuracy) over every choice per slot; each point keeps its choices."""
    front = [(full["macs"], full["accuracy"], {})]
    for slot in slots:
        grown = []
        for macs, acc, choice in front:
            grown.append((macs, acc, choice))
            for o in options.get(slot, []):
                grown.append((macs + o["dmacs"], acc + o["dacc"], dict(choice, **{slot: o["id"]})))
        grown.sort(key=lambda p: (p[0], -p[1]))
        front, best = [], -1.0
        for p in grown:  # ascending MACs: keep a point only if it predicts better than every cheaper one
            if p[1] > best + 1e-12:
                front.append(p)
                best = p[1]
    return front


def row(r, full, label=None):
    return "| %s | %.2f%% | %+.2f | %s | %.2fx | %s | %.3f | %.3f |" % (
        label or (", ".join("%s=%s" % kv for kv in sorted(r["variantBySlot"].items())) or "full model"),
        100 * r["accuracy"], 100 * (r["accuracy"] - full["accuracy"]), format(r["macs"], ","),
        full["macs"] / r["macs"], format(r["params"], ","), r["p50LatencyMillis"], r["p99LatencyMillis"])


HEADER = ("| configuration | accuracy | change (points) | MACs | MACs reduction | params | p50 ms | p99 ms |\n"
          "|---|---|---|---|---|---|---|---|")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--gateway", default=os.path.join(ROOT, "gateway", "target", "morphgate"))
    p.add_argument("--model-dir", default=os.path.join(HERE, "src", "main", "resources", "model"))
    p.add_argument("--features", default="", help="more features, e.g. morphgate-operator-bottleneck")
    p.add_argument("--images", type=int, default=10000)
    p.add_argument("--screen-images", type=int, default=2000)
    p.add_argument("--screened", type=int, default=12)
    p.add_argument("--candidates", type=int, default=3)
    p.add_argument("--http-port", type=int, default=18181)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)

    _, log = gateway(args, "variants", ["default"], 100)
    with open(log) as f:
        variants = sorted({m.groups() for m in ACCEPTED.finditer(f.read()) if m.group(1).endswith("-derived")},
                          key=lambda v: (v[1], v[0]))
    print("%d derived variants accepted" % len(variants))
    singles, _ = gateway(args, "singles", ["default"] + ["%s=%s" % (s, v) for v, s in variants], args.images)
    full = singles[0]
    slots, options = [], {}
    for r in singles[1:]:
        (slot, vid), = r["variantBySlot"].items()
        if slot not in options:
            slots.append(slot)
        options.setdefault(slot, []).append({"id": vid, "dmacs": r["macs"] - full["macs"],
                                             "dacc": r["accuracy"] - full["accuracy"]})
    front = pareto(full, slots, options)

    chosen = {}
    for ratio, _ in BUDGETS:
        under = sorted([q for q in front if q[0] * ratio <= full["macs"]], key=lambda q: -q[1])[:args.screened]
        chosen[ratio] = [spec(q[2]) for q in under]
    screen_specs = sorted({s for v in chosen.values() for s in v})
    screened, _ = gateway(args, "screen", screen_specs, args.screen_images)
    by_spec = {spec(r["variantBySlot"]): r for r in screened}
    finals = sorted({s for ratio, _ in BUDGETS
                     for s in sorted(chosen[ratio], key=lambda s: -by_spec[s]["accuracy"])[:args.candidates]})
    final, _ = gateway(args, "final", finals, args.images)
    final_by_spec = {spec(r["variantBySlot"]): r for r in final}

    predicted = {spec(q[2]): q[1] for q in front}
    md = ["Full model: **%.2f%%**, %s MACs, %s params, p50 %.3f ms, p99 %.3f ms; %d derived variants on %d slots."
          % (100 * full["accuracy"], format(full["macs"], ","), format(full["params"], ","),
             full["p50LatencyMillis"], full["p99LatencyMillis"], len(variants), len(slots)), ""]
    for ratio, label in BUDGETS:
        md += ["### At most %s of the full model's MACs (>= %.0fx fewer)" % (label, ratio), "",
               "| configuration | predicted | on %d images | accuracy (all) | loss (points) | MACs | MACs reduction "
               "| params | p50 ms |" % args.screen_images, "|---|---|---|---|---|---|---|---|---|"]
        for s in sorted(chosen[ratio], key=lambda s: -by_spec[s]["accuracy"]):
            r = final_by_spec.get(s)
            md.append("| %s | %.2f%% | %.2f%% | %s | %s | %s | %.2fx | %s | %s |" % (
                s, 100 * predicted[s], 100 * by_spec[s]["accuracy"],
                "%.2f%%" % (100 * r["accuracy"]) if r else "", "%.2f" % (100 * (full["accuracy"] - r["accuracy"]))
                if r else "", format(by_spec[s]["macs"], ","), full["macs"] / by_spec[s]["macs"],
                format(by_spec[s]["params"], ","), "%.3f" % r["p50LatencyMillis"] if r else ""))
        md.append("")
    md += ["### Every derived variant swapped in alone", "", HEADER, row(full, full)]
    md += [row(r, full) for r in singles[1:]]
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    sys.exit(main())
