"""Speed and memory of float32 vs bfloat16 (and float16 on CUDA): a matmul and a training step.

    python benchmarks/bench_precision.py                 # auto: CUDA when available, else CPU
    python benchmarks/bench_precision.py --device cpu    # < 60 s on 2 cores
    python benchmarks/bench_precision.py --device cuda --size 8192

Timings come from ``torch.utils.benchmark`` (it synchronises CUDA and reports medians),
after explicit warm-up calls. Memory is measured two ways:

* ``saved MiB`` - bytes of the tensors autograd saves for backward in one training
  step (activations, and autocast's low-precision weight copies), counted with
  ``torch.autograd.graph.saved_tensors_hooks``: the same on every device;
* ``peak MiB`` - ``torch.cuda.max_memory_allocated`` during a step (CUDA only).

What to expect. On a GPU with tensor cores (V100 and later for fp16, A100 and later for
bf16) the low-precision matmul is several times faster than fp32 and the training step
speeds up accordingly, once the matrices are large enough to keep the GPU busy. On a CPU
the answer depends on the chip: with AVX-512 BF16 / AMX instructions bf16 matmuls can be
faster; without them bf16 is emulated and often slower; fp16 on CPU is usually much
slower. Saved-activation memory roughly halves with autocast on any device.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils import benchmark

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from course_lib.device import describe, get_device  # noqa: E402


@dataclass
class Row:
    case: str
    dtype: str
    median_ms: float
    speedup: float = 1.0
    tflops: float | None = None
    saved_mib: float | None = None
    peak_mib: float | None = None


def _median_ms(fn, min_run_time: float, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn})
    return timer.blocked_autorange(min_run_time=min_run_time).median * 1e3


def bench_matmul(size: int, dtype: torch.dtype, device: torch.device, min_run_time: float) -> Row:
    a = torch.randn(size, size, device=device).to(dtype)
    b = torch.randn(size, size, device=device).to(dtype)
    ms = _median_ms(lambda: a @ b, min_run_time)
    return Row(f"matmul {size}x{size}", str(dtype).removeprefix("torch."), ms, tflops=2 * size**3 / (ms * 1e-3) / 1e12)


def make_mlp(width: int, device: torch.device) -> nn.Module:
    return nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, 10)).to(device)


def bench_train_step(width: int, batch: int, dtype: torch.dtype, device: torch.device, min_run_time: float) -> Row:
    torch.manual_seed(0)
    model = make_mlp(width, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    use_amp = dtype != torch.float32
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
    X = torch.randn(batch, width, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=dtype, enabled=use_amp):
            loss = nn.functional.cross_entropy(model(X), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    saved = 0

    def pack(t):
        nonlocal saved
        saved += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        step()
    peak = None
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        step()
        torch.cuda.synchronize(device)
        peak = torch.cuda.max_memory_allocated(device) / 2**20
    ms = _median_ms(step, min_run_time)
    flops = 3 * 2 * batch * (2 * width * width + width * 10)  # forward + ~2x for backward
    return Row(f"train step MLP {width}, batch {batch}", str(dtype).removeprefix("torch."), ms,
               tflops=flops / (ms * 1e-3) / 1e12, saved_mib=saved / 2**20, peak_mib=peak)


def format_table(rows: list[Row]) -> str:
    header = ["case", "dtype", "median ms", "vs fp32", "TFLOP/s", "saved MiB", "peak MiB"]
    lines = []
    for r in rows:
        lines.append([r.case, r.dtype, f"{r.median_ms:.3f}", f"{r.speedup:.2f}x",
                      f"{r.tflops:.3f}" if r.tflops is not None else "-",
                      f"{r.saved_mib:.2f}" if r.saved_mib is not None else "-",
                      f"{r.peak_mib:.1f}" if r.peak_mib is not None else "-"])
    widths = [max(len(x) for x in column) for column in zip(header, *lines)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def run(device: torch.device, size: int, width: int, batch: int, min_run_time: float, cpu_fp16: bool) -> list[Row]:
    dtypes = [torch.float32, torch.bfloat16]
    if device.type == "cuda" or cpu_fp16:
        dtypes.append(torch.float16)
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        dtypes.remove(torch.bfloat16)
    rows = []
    for bench in (lambda d: bench_matmul(size, d, device, min_run_time),
                  lambda d: bench_train_step(width, batch, d, device, min_run_time)):
        group = [bench(d) for d in dtypes]
        for row in group:
            row.speedup = group[0].median_ms / row.median_ms
        rows += group
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--size", type=int, default=None, help="matmul size (default 512 on CPU, 8192 on CUDA)")
    parser.add_argument("--width", type=int, default=None, help="MLP width (default 512 on CPU, 4096 on CUDA)")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default 256 on CPU, 4096 on CUDA)")
    parser.add_argument("--min-run-time", type=float, default=None,
                        help="seconds of timed runs per case (default 0.5 CPU, 1.0 CUDA)")
    parser.add_argument("--cpu-fp16", action="store_true", help="also time float16 on the CPU (usually slow)")
    args = parser.parse_args(argv)
    device = get_device(args.device)
    cuda = device.type == "cuda"
    size = args.size or (8192 if cuda else 512)
    width = args.width or (4096 if cuda else 512)
    batch = args.batch or (4096 if cuda else 256)
    min_run_time = args.min_run_time or (1.0 if cuda else 0.5)
    if cuda:
        torch.backends.cuda.matmul.fp32_precision = "ieee"  # a true fp32 baseline, not TF32
    start = time.perf_counter()
    rows = run(device, size, width, batch, min_run_time, args.cpu_fp16)
    print(f"torch {torch.__version__} on {describe(device)}; medians of torch.utils.benchmark runs after warm-up")
    print(format_table(rows))
    print(f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
