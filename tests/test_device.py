import pytest
import torch

from course_lib.device import describe, device_preference, get_device


def test_explicit_cpu_wins_over_environment(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    assert get_device("cpu") == torch.device("cpu")


def test_environment_is_read_when_no_preference(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "CPU ")
    assert device_preference() == "cpu"


def test_default_is_auto(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    assert device_preference() == "auto"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type == expected


def test_unknown_device_is_a_clear_error():
    with pytest.raises(ValueError, match="use one of auto, cpu, cuda"):
        get_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_gpu_fails_loudly():
    with pytest.raises(RuntimeError, match="CUDA was requested"):
        get_device("cuda")


def test_describe_names_the_device():
    assert describe(torch.device("cpu")).startswith("cpu (")
