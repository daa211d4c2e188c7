#!/usr/bin/env python3
"""The PyTorch side of `./pruning bench --throughput --pytorch`.

Measures the same network as the Java benchmark (vgg-small: 3x3 'same' convs, optionally BatchNorm, ReLU, 2x2 max-pools,
dense 128, 10 classes), on the same Fashion-MNIST images, with the same batch size, step count, warm-up
and thread count, and prints one JSON object: training images/s (Adam 1e-3), ranking images/s (forward,
backward of the summed loss and the Taylor statistics of every conv's feature map), median latency at
batch 1 and 64 in inference mode, and the process's peak resident memory. Run it with a Python that has
PyTorch (Debian: apt-get install python3-torch).
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def read_images(directory, count):
    with gzip.open(f"{directory}/train-images-idx3-ubyte.gz", "rb") as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        n = min(n, count)
        pixels = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8)
    with gzip.open(f"{directory}/train-labels-idx1-ubyte.gz", "rb") as f:
        f.read(8)
        labels = np.frombuffer(f.read(n), dtype=np.uint8)
    images = torch.from_numpy(pixels.reshape(n, 1, rows, cols).astype(np.float32) / 255.0)
    return images, torch.from_numpy(labels.astype(np.int64))


def vgg_small(filters, batch_norm):
    layers, channels = [], 1
    for index, out in enumerate(filters):
        layers.append(nn.Conv2d(channels, out, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out))
        layers.append(nn.ReLU())
        if index % 2 == 1:
            layers.append(nn.MaxPool2d(2))
        channels = out
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def batches(images, labels, batch_size):
    while True:
        for start in range(0, len(images) - batch_size + 1, batch_size):
            yield images[start:start + batch_size], labels[start:start + batch_size]


def images_per_second(step, data, steps, batch_size, warmup=3):
    for _ in range(warmup):
        step(*next(data))
    start = time.perf_counter()
    for _ in range(steps):
        step(*next(data))
    return steps * batch_size / (time.perf_counter() - start)


def train_rate(model, data, steps, batch_size):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step(x, y):
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    return images_per_second(step, data, steps, batch_size)


def rank_rate(model, data, steps, batch_size):
    """The Taylor pass: a = each conv's ReLU output, g = dLoss/da of the summed loss (one per example)."""
    relus = [m for i, m in enumerate(model)
             if isinstance(m, nn.ReLU) and isinstance(model[i - 1], (nn.Conv2d, nn.BatchNorm2d))]
    sums = [None] * len(relus)
    outputs = {}

    def keep(index):
        def hook(_module, _inputs, output):
            output.retain_grad()
            outputs[index] = output
        return hook

    for index, relu in enumerate(relus):
        relu.register_forward_hook(keep(index))
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    model.train()

    def step(x, y):
        model.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        with torch.no_grad():
            for index, a in outputs.items():
                per_example = (a * a.grad).mean(dim=(2, 3))
                filters = per_example.abs().sum(dim=0)
                sums[index] = filters if sums[index] is None else sums[index] + filters

    return images_per_second(step, data, steps, batch_size)


def median_latency_ms(model, batch_size, warmup, runs):
    model.eval()
    torch.manual_seed(42)
    x = torch.rand(batch_size, 1, 28, 28)
    times = []
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss_mb():
    """VmHWM: ru_maxrss would carry over the peak of the process that started this one (it survives exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(filters, images, labels, args):
    torch.manual_seed(args.seed)
    model = vgg_small(filters, args.batch_norm)
    data = batches(images, labels, args.batch_size)
    return {
        "filters": list(filters),
        "train_images_per_s": train_rate(model, data, args.steps, args.batch_size),
        "rank_images_per_s": rank_rate(vgg_small(filters, args.batch_norm), data, args.steps, args.batch_size),
        "latency_b1_ms": median_latency_ms(model, 1, args.latency_warmup, args.latency_runs_b1),
        "latency_b64_ms": median_latency_ms(model, 64, args.latency_warmup_b64, args.latency_runs_b64),
        "peak_rss_mb": peak_rss_mb(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--threads", type=int, default=0, help="0: every core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-warmup", type=int, default=20)
    parser.add_argument("--latency-warmup-b64", type=int, default=5)
    parser.add_argument("--latency-runs-b1", type=int, default=51)
    parser.add_argument("--latency-runs-b64", type=int, default=15)
    parser.add_argument("--batch-norm", action="store_true", help="BatchNorm after each conv")
    parser.add_argument("--base", default="32,32,64,64", help="filters per conv layer of the base network")
    parser.add_argument("--pruned", help="filters per conv layer of the pruned network")
    args = parser.parse_args()
    torch.set_num_threads(args.threads or os.cpu_count())
    images, labels = read_images(args.data_dir, args.images)
    report = {"torch_version": torch.__version__, "threads": torch.get_num_threads()}
    report.update(measure([int(v) for v in args.base.split(",")], images, labels, args))
    if args.pruned:
        report["pruned"] = measure([int(v) for v in args.pruned.split(",")], images, labels, args)
    json.dump(report, sys.stdout)
    print()


if __name__ == "__main__":
    main()
