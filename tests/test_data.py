import torch

from course_lib.data import load_digits, make_classification, make_regression


def test_digits_split_sizes_and_ranges():
    digits = load_digits()
    sizes = [len(digits.train), len(digits.val), len(digits.test)]
    assert sum(sizes) == 1797
    assert sizes[0] > 1000 and min(sizes) > 300
    assert digits.train.X.shape[1] == 64 and digits.train.X.dtype == torch.float32
    assert 0.0 <= digits.train.X.min() and digits.train.X.max() <= 1.0
    assert digits.train.y.dtype == torch.int64 and set(digits.test.y.tolist()) == set(range(10))


def test_digits_split_is_fixed_and_disjoint():
    a, b = load_digits(), load_digits()
    torch.testing.assert_close(a.test.X, b.test.X)
    rows = lambda split: {tuple(r) for r in split.X.tolist()}  # noqa: E731
    # the digits set holds a few duplicate images, so allow a handful of overlaps
    assert len(rows(a.train) & rows(a.test)) < 5


def test_digits_as_images():
    digits = load_digits(as_images=True)
    assert digits.val.X.shape[1:] == (1, 8, 8)


def test_regression_is_seeded_and_linear():
    a, b = make_regression(n=200, seed=3), make_regression(n=200, seed=3)
    torch.testing.assert_close(a.X, b.X)
    slope = torch.linalg.lstsq(torch.cat([a.X, torch.ones_like(a.X)], 1), a.y).solution
    torch.testing.assert_close(slope.squeeze(), torch.tensor([2.0, 0.5]), atol=0.05, rtol=0)


def test_classification_blobs_are_balanced():
    split = make_classification(n=300, num_classes=3)
    assert split.X.shape == (300, 2)
    assert torch.bincount(split.y).tolist() == [100, 100, 100]
    assert make_classification(seed=1).X.tolist() != make_classification(seed=2).X.tolist()
