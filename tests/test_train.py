"""course_lib.train: the loop pieces chapter 07 builds and later chapters reuse."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course_lib import train
from course_lib.data import make_classification


def _loaders(seed=0):
    split = make_classification(n=120, num_classes=3, seed=seed)
    dataset = TensorDataset(split.X, split.y)
    return (DataLoader(dataset, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(seed)),
            DataLoader(dataset, batch_size=64))


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


def test_history_logs_and_reports_best():
    history = train.History()
    history.log(loss=2.0, acc=0.1)
    history.log(loss=1.0, acc=0.5)
    assert history["loss"] == [2.0, 1.0]
    assert history.best("loss") == 1.0 and history.best("acc", mode="max") == 0.5


def test_accuracy():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0]])
    assert train.accuracy(logits, torch.tensor([0, 1, 1])) == pytest.approx(2 / 3)


def test_train_one_epoch_reduces_loss_and_returns_floats():
    train_loader, val_loader = _loaders()
    model = _model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    before, _ = train.evaluate(model, val_loader, loss_fn, "cpu")
    for _ in range(5):
        loss, acc = train.train_one_epoch(model, train_loader, loss_fn, optimizer, "cpu", max_grad_norm=1.0)
    after, after_acc = train.evaluate(model, val_loader, loss_fn, "cpu")
    assert isinstance(loss, float) and isinstance(acc, float)
    assert after < before and after_acc > 0.8


def test_evaluate_leaves_model_in_eval_mode_without_grads():
    _, val_loader = _loaders()
    model = _model()
    train.evaluate(model, val_loader, nn.CrossEntropyLoss(), "cpu")
    assert not model.training
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("mode,values,stop_at", [
    ("min", [1.0, 0.9, 0.95, 0.96, 0.97], 3),
    ("max", [0.5, 0.6, 0.6, 0.59], 3),
])
def test_early_stopping(mode, values, stop_at):
    stopper = train.EarlyStopping(patience=2, mode=mode)
    stops = [stopper.step(v) for v in values]
    assert stops.index(True) == stop_at
    assert stopper.best == (min(values) if mode == "min" else max(values))


def test_early_stopping_min_delta_and_bad_mode():
    stopper = train.EarlyStopping(patience=1, min_delta=0.1)
    stopper.step(1.0)
    assert stopper.step(0.95)  # better, but not by min_delta
    with pytest.raises(ValueError, match="mode"):
        train.EarlyStopping(mode="lowest")


def test_checkpoint_round_trip_with_rng_state_resumes_identically(tmp_path):
    model = _model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    train.save_checkpoint(tmp_path / "ckpt.pt", model=model.state_dict(), optimizer=optimizer.state_dict(),
                          rng=train.rng_state(), epoch=3)
    expected = torch.rand(4)
    state = train.load_checkpoint(tmp_path / "ckpt.pt")
    train.set_rng_state(state["rng"])
    assert torch.equal(torch.rand(4), expected)
    assert state["epoch"] == 3
    fresh = _model(seed=1)
    fresh.load_state_dict(state["model"])
    for a, b in zip(fresh.parameters(), model.parameters()):
        assert torch.equal(a, b)


def test_fit_restores_best_weights_stops_early_and_saves(tmp_path):
    train_loader, val_loader = _loaders()
    model = _model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=30)
    seen = []
    history = train.fit(model, train_loader, val_loader, epochs=30, optimizer=optimizer, scheduler=scheduler,
                        max_grad_norm=1.0, early_stopping=train.EarlyStopping(patience=2, min_delta=1.0),
                        checkpoint_path=tmp_path / "best.pt", progress=False,
                        on_epoch_end=lambda h: seen.append(len(h["val_loss"])))
    assert len(history["val_loss"]) == 3  # min_delta=1.0 is never met after the first epoch
    assert seen == [1, 2, 3]
    assert history["lr"][0] == pytest.approx(1e-2) and history["lr"][1] < 1e-2
    best = train.load_checkpoint(tmp_path / "best.pt")
    assert best["val_loss"] == pytest.approx(min(history["val_loss"]))
    final, _ = train.evaluate(model, val_loader, nn.CrossEntropyLoss(), "cpu")
    assert math.isclose(final, min(history["val_loss"]), rel_tol=1e-5)
