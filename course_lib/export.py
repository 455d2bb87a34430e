"""Helpers for chapter 10 (saving and exporting models).

* :func:`quiet_export` - a context manager that hides torch's *own* internal noise while
  ``torch.onnx.export`` runs (a ``FutureWarning`` raised inside torch's pytree code and
  log lines about torchvision ops), so the course's warnings-as-errors runs stay green
  while any warning raised by the learner's code still surfaces.
* :func:`run_onnx` - run an ``.onnx`` file in onnxruntime on CPU tensors and get a tensor back.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path
from typing import Iterator

import torch

# Warnings torch emits from its own internals during ONNX export (torch 2.13): not ours to fix.
_TORCH_INTERNAL_WARNINGS = (
    (FutureWarning, r".*isinstance\(treespec, LeafSpec\)` is deprecated.*"),
)
_NOISY_LOGGERS = ("torch.onnx._internal.exporter._registration",)


@contextlib.contextmanager
def quiet_export() -> Iterator[None]:
    """Silence torch's internal warnings and log lines during an export; nothing else."""
    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings():
        for category, message in _TORCH_INTERNAL_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


def run_onnx(path: Path | str, *inputs: torch.Tensor) -> list[torch.Tensor]:
    """Run the ONNX model at ``path`` in onnxruntime (CPU) on ``inputs``; return its outputs.

    Inputs are fed by position to the graph's inputs; they may live on any device
    (they are copied to the CPU). Outputs come back as CPU tensors.
    """
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [node.name for node in session.get_inputs()]
    if len(names) != len(inputs):
        raise ValueError(f"{path} expects {len(names)} inputs ({', '.join(names)}); got {len(inputs)}")
    feed = {name: tensor.detach().cpu().numpy() for name, tensor in zip(names, inputs)}
    return [torch.from_numpy(output) for output in session.run(None, feed)]
