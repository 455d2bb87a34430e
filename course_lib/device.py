"""Pick the device every notebook, check and grader runs on.

One switch drives the whole course: the ``COURSE_DEVICE`` environment variable
(``cpu``, ``cuda`` or ``auto``; default ``auto``). A notebook's ``parameters``
cell may override it with an explicit value.
"""

from __future__ import annotations

import os

import torch

ENV_VAR = "COURSE_DEVICE"
CHOICES = ("auto", "cpu", "cuda")


def device_preference(preference: str | None = None) -> str:
    """Return the requested device name: ``preference``, else ``$COURSE_DEVICE``, else ``auto``."""
    choice = (preference or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if choice not in CHOICES:
        raise ValueError(
            f"Unknown device {choice!r}: use one of {', '.join(CHOICES)} "
            f"(set it with the notebook's `device` parameter or ${ENV_VAR})."
        )
    return choice


def get_device(preference: str | None = None) -> torch.device:
    """Return the torch device to use.

    ``auto`` means CUDA when available, else CPU. Asking for ``cuda`` on a machine
    without a GPU is an error rather than a silent fallback: a grader told to check
    CUDA must not quietly grade on the CPU.
    """
    choice = device_preference(preference)
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "CUDA was requested but torch.cuda.is_available() is False: "
            f"run on a CUDA machine or set {ENV_VAR}=cpu."
        )
    return torch.device(choice)


def describe(device: torch.device) -> str:
    """One line naming the device, e.g. ``cuda (NVIDIA H100)`` or ``cpu (2 threads)``."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({torch.get_num_threads()} threads)"
