"""CNN training epoch and batch inference: osler-nn (burn, CPU) against PyTorch CPU, run by hand.

    cargo build --release -p osler-nn --example cnn_bench
    bench/.venv/bin/pip install -r bench/requirements-nn.txt     # torch
    bench/.venv/bin/python bench/cnn_bench.py [--n 512] [--batch 128] [--size 28] [--models cnn,resnet18]

Both sides build the same network (the small CNN: three conv3x3(no bias)-BatchNorm-ReLU-maxpool2
stages of w, 2w, 4w filters, global average pooling, linear; ResNet-18 with the CIFAR stem:
conv3x3(64, stride 1)-BatchNorm-ReLU, no max-pool, basic blocks [2, 2, 2, 2] of 64-128-256-512
filters, 1x1 projection shortcuts, global average pooling, linear), two output logits, softmax
cross-entropy, AdamW (lr 1e-3, weight decay 1e-4), on N random 1-channel images, the same batch
size and one thread (osler-nn's CPU backend runs on the calling thread; PyTorch gets
`torch.set_num_threads(1)` and the OMP/MKL variables). One epoch = shuffle + all mini-batches
(forward, loss, backward, step), timed once from a fresh network on each side. Inference = all N
images in eval mode in batches of the same size, after one warm-up batch. The osler side is the
`cnn_bench` example of osler-nn, run as a subprocess in the same run; the ratio osler / PyTorch of
the epoch time (lower is better for osler) and of the inference throughput is printed and written
to bench/out/cnn_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402
from torch import nn  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def conv_bn(i: int, o: int, k: int = 3, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(i, o, k, stride=stride, padding=k // 2, bias=False), nn.BatchNorm2d(o)]


def small_cnn(channels: int, width: int, outputs: int) -> nn.Module:
    layers: list[nn.Module] = []
    for i, o in [(channels, width), (width, 2 * width), (2 * width, 4 * width)]:
        layers += [*conv_bn(i, o), nn.ReLU(), nn.MaxPool2d(2, 2)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * width, outputs))


class BasicBlock(nn.Module):
    def __init__(self, i: int, o: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(i, o, 3, stride), nn.ReLU(), *conv_bn(o, o))
        self.short = nn.Sequential(*conv_bn(i, o, 1, stride)) if stride != 1 or i != o else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.short(x))


def resnet18(channels: int, outputs: int) -> nn.Module:
    blocks: list[nn.Module] = []
    width = 64
    for stage, o in enumerate([64, 128, 256, 512]):
        blocks += [BasicBlock(width, o, 1 if stage == 0 else 2), BasicBlock(o, o, 1)]
        width = o
    return nn.Sequential(
        *conv_bn(channels, 64), nn.ReLU(), *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, outputs)
    )


def torch_side(model: str, n: int, batch: int, size: int, width: int) -> dict:
    torch.manual_seed(7)
    x = torch.rand(n, 1, size, size) * 2 - 1
    y = torch.arange(n) % 2
    net = small_cnn(1, width, 2) if model == "cnn" else resnet18(1, 2)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    t0 = time.perf_counter()
    perm = torch.randperm(n)
    for s in range(0, n, batch):
        idx = perm[s : s + batch]
        opt.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
    epoch = time.perf_counter() - t0
    net.eval()
    with torch.no_grad():
        net(x[:batch])
        t0 = time.perf_counter()
        for s in range(0, n, batch):
            torch.softmax(net(x[s : s + batch]), 1)
        infer = time.perf_counter() - t0
    params = sum(p.numel() for p in net.parameters())
    return {"train_epoch_s": epoch, "inference_s": infer, "inference_images_per_s": n / infer, "parameters": params}


def osler_side(binary: str, model: str, n: int, batch: int, size: int, width: int) -> dict:
    args = [binary, "--model", model, "--n", str(n), "--batch", str(batch), "--size", str(size), "--width", str(width)]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return json.loads(p.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--osler", default=str(ROOT / "target/release/examples/cnn_bench"))
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--size", type=int, default=28)
    ap.add_argument("--width", type=int, default=16, help="filters of the small CNN's first stage")
    ap.add_argument("--models", default="cnn,resnet18")
    a = ap.parse_args()
    torch.set_num_threads(1)
    rows = []
    for model in a.models.split(","):
        o = osler_side(a.osler, model, a.n, a.batch, a.size, a.width)
        t = torch_side(model, a.n, a.batch, a.size, a.width)
        row = {
            "model": model,
            "n": a.n,
            "batch": a.batch,
            "size": a.size,
            "threads": 1,
            "osler": o,
            "torch": t,
            "epoch_ratio": o["train_epoch_s"] / t["train_epoch_s"],
            "inference_ratio": t["inference_images_per_s"] / o["inference_images_per_s"],
        }
        rows.append(row)
        print(
            f"{model:9s} {a.n} images {a.size}px batch {a.batch}: epoch osler {o['train_epoch_s']:.2f} s, "
            f"PyTorch {t['train_epoch_s']:.2f} s, ratio {row['epoch_ratio']:.2f}x; inference osler "
            f"{o['inference_images_per_s']:.0f}/s, PyTorch {t['inference_images_per_s']:.0f}/s, "
            f"ratio {row['inference_ratio']:.2f}x (osler time / PyTorch time)"
        )
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    meta = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__}
    (out / "cnn_results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
