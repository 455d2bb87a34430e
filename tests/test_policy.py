"""The answer policy: ordinary answers pass, routes to tampering are named."""

import pytest

from course_lib.grading.policy import check_answer, trusted_names

TRUSTED = trusted_names([
    "import torch\nimport numpy as np\nfrom course_lib.checks import Checker\ndevice = 'cpu'\nmodel = torch.nn.Linear(2, 2)",
    "check = Checker('1.1', 't')\nexpected = torch.ones(2)",
])


def problems(source: str) -> list[str]:
    return [v.problem for v in check_answer(source, TRUSTED)]


@pytest.mark.parametrize("source", [
    "def f(x):\n    return (x - x.mean()) / x.std()",
    "import math\nfrom collections import Counter\nimport torch.nn.functional as F",
    "import torch\nimport numpy as np\nfrom course_lib.data import load_digits",  # the notebook's own imports, again
    "class Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = torch.nn.Linear(2, 1)\n"
    "    def __len__(self):\n        return 1",
    "for p in model.parameters():\n    p.requires_grad = False",          # changing trusted *data* is allowed
    "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x)\n        return x",
    "result = [x for x in range(3)]\nexpected_shape = (2, 3)",
    "def broken(:\n    pass",                                                 # a syntax error fails on its merits
])
def test_ordinary_answers_pass(source):
    assert problems(source) == []


@pytest.mark.parametrize("source, named", [
    ("class Checker:\n    pass", "redefines `Checker`"),
    ("Checker = None", "redefines `Checker`"),
    ("import numpy as torch", "redefines `torch`"),
    ("torch.testing.assert_close = lambda *a, **k: None", "changes `torch.testing.assert_close`"),
    ("torch.Tensor.__eq__ = lambda a, b: True", "`.__eq__` is not allowed"),
    ("import builtins\nbuiltins.isinstance = lambda *a: True", "`import builtins` is not allowed"),
    ("isinstance = lambda *a: True", "redefines the built-in `isinstance`"),
    ("get_ipython().showtraceback = None", "calling `get_ipython()`"),
    ("import sys\nsys.excepthook = None", "`import sys` is not allowed"),
    ("import os\nos._exit(0)", "`import os` is not allowed"),
    ("setattr(torch, 'allclose', None)", "calling `setattr()`"),
    ("t = torch.testing\nt.assert_close = print", "changes `t.assert_close`"),
    ("type(check).close = print", "calling `type()`"),
    ("vars(torch)['isclose'] = print", "calling `vars()`"),
    ("import torch.library", "`import torch.library` is not allowed"),
    ("class Sneaky(torch.Tensor):\n    pass", "subclassing torch.Tensor"),
    ("class Always:\n    def __eq__(self, other):\n        return True", "defining `__eq__`"),
    ("def f():\n    global check\n    check = None", "`global` is not allowed"),
    ("x = (lambda: 0).__globals__", "`.__globals__` is not allowed"),
    ("def f():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__.tb_frame.f_back",
     "is not allowed"),
    ("%load_ext autoreload", "IPython magics"),
    ("!rm -rf /", "IPython magics and shell commands"),
])
def test_tampering_routes_are_rejected(source, named):
    found = problems(source)
    assert any(named in p for p in found), found
