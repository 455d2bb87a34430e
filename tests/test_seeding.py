import random

import numpy as np
import torch

from course_lib.seeding import seed_everything


def draw():
    return random.random(), float(np.random.rand()), torch.rand(3).tolist()


def test_same_seed_same_numbers():
    seed_everything(7)
    first = draw()
    seed_everything(7)
    assert draw() == first


def test_different_seed_different_numbers():
    seed_everything(1)
    first = draw()
    seed_everything(2)
    assert draw() != first


def test_returned_generator_is_seeded():
    a = torch.rand(2, generator=seed_everything(3))
    b = torch.rand(2, generator=seed_everything(3))
    torch.testing.assert_close(a, b)
    torch.use_deterministic_algorithms(False)
