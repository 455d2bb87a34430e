"""Runs inside the grading kernel: notices when learner code changed the checks' world.

The grader inserts a first cell that calls :func:`install` before any learner code
runs, and ends every check cell with ``guard.verify()`` followed by a one-time
token print (see :mod:`course_lib.grading.prepare`). ``install`` records the
identity of every object the checks rely on - builtins, torch's and NumPy's
functions and tensor methods, the grading API, IPython's execution and error
display machinery, the interpreter's trace hooks - and ``verify`` raises if any
was replaced. An answer cannot reach the recorded originals: the answer policy
forbids the dunder names, imports and introspection that lead to them.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys

import torch

WATCHED_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.testing", "torch.autograd",
                   "torch.linalg", "numpy", "numpy.testing", "math", "course_lib.checks", "course_lib.device")
WATCHED_CLASS_PATHS = (("torch", "Tensor"), ("torch._C", "TensorBase"), ("torch.nn", "Module"),
                       ("torch.nn", "Parameter"), ("course_lib.checks", "Checker"), ("numpy", "ndarray"))
# Built-ins the kernel itself replaces on every execution (stdin forwarding).
KERNEL_MANAGED_BUILTINS = {"input", "raw_input", "getpass", "_", "__", "___"}
TORCH_DIR = os.path.dirname(torch.__file__)
SHELL_METHODS = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "showtraceback",
                 "_showtraceback", "showsyntaxerror", "transform_cell", "should_run_async")


class GuardError(AssertionError):
    """The grading environment was changed by the code being graded."""


def _namespace(obj) -> dict:
    try:
        return dict(vars(obj))
    except TypeError:
        return {}


class Guard:
    def __init__(self):
        self._snapshots: list[tuple[str, object, dict]] = []
        self._snapshot("builtins", builtins)
        for name in KERNEL_MANAGED_BUILTINS:
            self._snapshots[0][2].pop(name, None)
        for name in WATCHED_MODULES:
            module = importlib.import_module(name)
            self._snapshot(name, module)
        for module_name, class_name in WATCHED_CLASS_PATHS:
            cls = getattr(importlib.import_module(module_name), class_name)
            self._snapshot(f"{module_name}.{class_name}", cls)
        self._hooks = self._hook_state()

    def _snapshot(self, label: str, obj) -> None:
        self._snapshots.append((label, obj, _namespace(obj)))

    @staticmethod
    def _hook_state() -> dict:
        # sys.excepthook is not watched: IPython swaps it around each execution, and it
        # reports nothing to the grader (showtraceback does, and is watched below).
        state = {"sys.gettrace": sys.gettrace(), "sys.getprofile": sys.getprofile(),
                 "sys.displayhook": sys.displayhook, "sys.stdout": sys.stdout, "sys.stderr": sys.stderr}
        shell = getattr(builtins, "get_ipython", lambda: None)()
        if shell is not None:
            state["shell.class"] = type(shell)
            for name in SHELL_METHODS:
                # Bound methods are new objects on each access: watch the class's function
                # and that no instance attribute shadows it.
                state[f"shell.{name}"] = getattr(type(shell), name, None)
                state[f"shell.{name} (instance)"] = vars(shell).get(name)
            state["shell.input_transformers_post"] = list(shell.input_transformers_post)
            state["shell.input_transformers_cleanup"] = list(shell.input_transformers_cleanup)
            state["shell.ast_transformers"] = list(shell.ast_transformers)
            state["shell.events"] = {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()}
            state["shell.custom_exceptions"] = shell.custom_exceptions
        return state

    def changes(self) -> list[str]:
        """Names of watched objects that are no longer what they were at install time."""
        changed = []
        for label, obj, before in self._snapshots:
            now = _namespace(obj)
            for key, value in before.items():
                if key not in now:
                    changed.append(f"{label}.{key} (deleted)")
                elif now[key] is not value and not _same_cached_value(value, now[key]) \
                        and not _wrapped_by_torch(value, now[key]):
                    changed.append(f"{label}.{key}")
        now_hooks = self._hook_state()
        for key, value in self._hooks.items():
            current = now_hooks.get(key)
            if key == "shell.events":
                changed.extend(_foreign_callbacks(value, current))
            elif not (current == value if isinstance(value, list) else current is value):
                changed.append(key)
        return changed

    def verify(self) -> None:
        changed = self.changes()
        if changed:
            shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
            raise GuardError(f"the grading environment was modified by the submission ({shown}); "
                             "answers may not change torch, numpy, builtins or the grading API")


# Libraries that legitimately register IPython event callbacks (the inline plot backend).
TRUSTED_CALLBACK_MODULES = ("matplotlib", "matplotlib_inline", "ipykernel", "IPython", "ipywidgets")


def _foreign_callbacks(before: dict, now: dict) -> list[str]:
    """IPython event callbacks added since install by code outside the trusted libraries."""
    found = []
    for event, callbacks in now.items():
        for callback in callbacks:
            if callback in before.get(event, []):
                continue
            module = getattr(callback, "__module__", None) or ""
            if not module.startswith(TRUSTED_CALLBACK_MODULES):
                found.append(f"shell.events[{event!r}] gained {getattr(callback, '__qualname__', callback)!r}")
    return found


def _wrapped_by_torch(before, now) -> bool:
    """torch re-patches a few of its own functions lazily (Dynamo wraps ``torch.manual_seed``
    and ``nn.Module.__init__``). Accept a replacement whose code lives in torch's package:
    a function written in a notebook cannot claim that file (building code objects needs
    ``compile`` or dunder access, both outside the answer policy).
    """
    code = getattr(now, "__code__", None)
    return callable(before) and code is not None and code.co_filename.startswith(TORCH_DIR + os.sep)


def _same_cached_value(before, now) -> bool:
    # Modules cache plain data (version strings, counters) that may legitimately be re-created.
    plain = (int, float, str, bytes, bool, type(None))
    return isinstance(before, plain) and isinstance(now, plain) and before == now


def install() -> Guard:
    return Guard()


def refuse_exit(*args, **kwargs):
    """Stands in for IPython's ``exit``/``quit`` while grading: ending the kernel is an error
    of the cell that asked for it, not a crash blamed on whichever cell runs next."""
    raise RuntimeError("exit() was called: answers must not stop the kernel")
