"""Eager vs torch.compile on a small MLP: compile time and steady-state medians.

    python benchmarks/bench_compile.py --device cpu
    python benchmarks/bench_compile.py --device cuda --mode reduce-overhead --batch-sizes 1 64 1024

For each batch size the model is compiled from scratch (``torch._dynamo.reset()``), the
first call is timed as the compile time, and ``torch.utils.benchmark`` measures the
median of the eager and compiled forward passes (it warms up and synchronises CUDA).
Outputs are compared before timing. Used by chapter 11; quote its numbers with the device.
"""

from __future__ import annotations

import argparse
import time
import warnings

import torch
import torch._dynamo
import torch.utils.benchmark as benchmark
from torch import nn

from course_lib.device import describe, get_device


def make_mlp(width: int) -> nn.Module:
    return nn.Sequential(nn.Linear(64, width), nn.GELU(), nn.Linear(width, width), nn.GELU(),
                         nn.Linear(width, 10))


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure(model: nn.Module, x: torch.Tensor, *, mode: str, min_run_time: float) -> dict[str, float]:
    """Compile ``model`` afresh and time it; returns seconds (compile) and medians (eager, compiled)."""
    device = x.device
    torch._dynamo.reset()
    compiled = torch.compile(model, mode=mode)
    with torch.no_grad():
        synchronize(device)
        start = time.perf_counter()
        out = compiled(x)
        synchronize(device)
        compile_seconds = time.perf_counter() - start
        torch.testing.assert_close(out, model(x), rtol=1e-3, atol=1e-4)
        medians = {}
        for name, fn in (("eager", model), ("compiled", compiled)):
            fn(x)  # warm-up
            timer = benchmark.Timer(stmt="fn(x)", globals={"fn": fn, "x": x})
            medians[name] = timer.blocked_autorange(min_run_time=min_run_time).median
    return {"compile_s": compile_seconds, "eager_s": medians["eager"], "compiled_s": medians["compiled"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto")
    parser.add_argument("--mode", default="default",
                        help="torch.compile mode: default, reduce-overhead, max-autotune, ...")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64])
    parser.add_argument("--width", type=int, default=256, help="hidden width of the MLP")
    parser.add_argument("--min-run-time", type=float, default=0.5, help="seconds of timing per variant")
    args = parser.parse_args(argv)

    device = get_device(args.device)
    # Inductor's first import loads a deprecated TorchScript helper inside torch; not our warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import torch._inductor.compile_fx  # noqa: F401
    torch.manual_seed(0)
    model = make_mlp(args.width).to(device).eval()
    print(f"torch {torch.__version__} on {describe(device)}; MLP 64-{args.width}-{args.width}-10, "
          f"mode={args.mode!r}")
    print(f"{'batch':>6} {'compile s':>10} {'eager µs':>10} {'compiled µs':>12} {'speed-up':>9} {'break-even':>12}")
    for batch in args.batch_sizes:
        x = torch.randn(batch, 64, device=device)
        r = measure(model, x, mode=args.mode, min_run_time=args.min_run_time)
        saved = r["eager_s"] - r["compiled_s"]
        even = f"{r['compile_s'] / saved:,.0f} calls" if saved > 0.05 * r["eager_s"] else "never"
        print(f"{batch:>6} {r['compile_s']:>10.2f} {r['eager_s'] * 1e6:>10.1f} {r['compiled_s'] * 1e6:>12.1f} "
              f"{r['eager_s'] / r['compiled_s']:>8.2f}x {even:>12}")


if __name__ == "__main__":
    main()
