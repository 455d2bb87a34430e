"""What an answer cell may contain: a syntax-level policy checked before anything runs.

Learner code runs in the same kernel as the checks, so an answer could try to win
points by changing the checks' world instead of solving the exercise: rebinding
``Checker`` or ``torch``, assigning ``torch.allclose = ...``, patching builtins or
IPython's error display, walking frames to read the grader's secrets. This module
rejects the syntax those routes need. It is one layer of the defence described in
the README's threat model, not a general Python sandbox.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

# Modules an answer may import (and their submodules), minus the ones below.
ALLOWED_IMPORTS = (
    "torch", "numpy", "math", "cmath", "random", "statistics", "itertools", "functools", "operator",
    "collections", "dataclasses", "typing", "copy", "string", "re", "enum", "abc", "heapq", "bisect",
    "tempfile", "pathlib", "time", "warnings", "tqdm", "sklearn", "matplotlib", "tokenizers",
    "onnx", "onnxruntime", "course_lib.data", "course_lib.train", "course_lib.plot",
)
# Parts of torch that rewrite torch itself or reach the interpreter.
FORBIDDEN_IMPORTS = ("torch.library", "torch.overrides", "torch._C", "torch.utils.cpp_extension",
                     "torch._dynamo.config", "numpy.testing", "torch.testing")
# Calls that reach around the syntax rules.
FORBIDDEN_CALLS = {"exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
                   "__import__", "get_ipython", "breakpoint", "memoryview", "type"}
# Dunder attributes an answer may use (constructors and protocol methods of its own classes).
ALLOWED_DUNDERS = {"__init__", "__call__", "__len__", "__getitem__", "__iter__", "__next__",
                   "__enter__", "__exit__", "__name__", "__repr__", "__str__"}
# Introspection attributes that lead to frames, code objects and other modules' globals.
FORBIDDEN_ATTRIBUTES = {"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next",
                        "gi_frame", "cr_frame", "ag_frame", "gi_code", "co_code", "func_globals",
                        "_getframe", "__torch_function__", "__torch_dispatch__"}
# Names a learner's class may not define: they change how torch or Python compares objects.
FORBIDDEN_METHODS = {"__torch_function__", "__torch_dispatch__", "__eq__", "__ne__", "__bool__",
                     "__instancecheck__", "__subclasscheck__", "__getattribute__", "__getattr__",
                     "__del__", "__init_subclass__", "__set_name__", "__class_getitem__"}
BUILTIN_NAMES = set(dir(builtins))


@dataclass(frozen=True)
class Violation:
    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


def _module_allowed(name: str) -> bool:
    if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IMPORTS):
        return False
    return any(name == ok or name.startswith(ok + ".") for ok in ALLOWED_IMPORTS)


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Visitor(ast.NodeVisitor):
    """Collects violations; ``depth`` tells top-level code from function and class bodies."""

    def __init__(self, trusted: TrustedNames):
        self.trusted = trusted  # its names may not be rebound at the top level of the cell
        self.code = set(trusted.code)  # may not be changed at all: modules, functions, classes, their aliases
        self.imported: set[str] = set()
        self.violations: list[Violation] = []
        self.depth = 0  # > 0 inside a function or class body

    def flag(self, node: ast.AST, problem: str) -> None:
        self.violations.append(Violation(getattr(node, "lineno", 0), problem))

    # -- imports ---------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _module_allowed(alias.name):
                self.flag(node, f"`import {alias.name}` is not allowed in an answer")
            name = alias.asname or alias.name.split(".")[0]
            self._bind(node, name, imported_as=alias.name if alias.asname else name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not _module_allowed(module):
            self.flag(node, f"`from {module or '.'} import ...` is not allowed in an answer")
        for alias in node.names:
            if alias.name == "*":
                self.flag(node, "`import *` is not allowed in an answer")
            elif not _module_allowed(f"{module}.{alias.name}") and f"{module}.{alias.name}" in FORBIDDEN_IMPORTS:
                self.flag(node, f"`from {module} import {alias.name}` is not allowed in an answer")
            self._bind(node, alias.asname or alias.name, imported_as=f"{module}.{alias.name}")

    # -- names -----------------------------------------------------------------
    def _bind(self, node: ast.AST, name: str, imported_as: str | None = None) -> None:
        """Record a top-level or local binding of ``name`` (``imported_as``: the module path it imports)."""
        if imported_as is not None:
            self.imported.add(name)
        if self.depth:
            return
        if name in BUILTIN_NAMES:
            self.flag(node, f"the answer redefines the built-in `{name}`")
        if name in self.trusted.code and (imported_as is None or self.trusted.imports.get(name) != imported_as):
            # `import torch` again is harmless; `import numpy as torch` or `Checker = ...` is not
            self.flag(node, f"the answer redefines `{name}`, which the notebook's own cells define")

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._bind(node, node.id)
        if node.id.startswith("__") and node.id.endswith("__") and node.id != "__name__":
            self.flag(node, f"`{node.id}` is not allowed in an answer")

    def visit_Global(self, node: ast.Global) -> None:
        self.flag(node, "`global` is not allowed in an answer: return values instead")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.depth and node.name in FORBIDDEN_METHODS:
            self.flag(node, f"defining `{node.name}` is not allowed in an answer")
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._definition_body(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _definition_body(self, node, name: str) -> None:
        self._bind(node, name)
        self.depth += 1
        for child in ast.iter_child_nodes(node):
            if child not in getattr(node, "decorator_list", []):
                self.visit(child)
        self.depth -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            if isinstance(base, ast.Attribute) and base.attr == "Tensor" or isinstance(base, ast.Name) and base.id == "Tensor":
                self.flag(node, "subclassing torch.Tensor is not allowed in an answer: return plain tensors")
        self._definition_body(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    # -- attributes ------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = node.attr
        if name in FORBIDDEN_ATTRIBUTES:
            self.flag(node, f"`.{name}` is not allowed in an answer")
        elif name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDERS:
            self.flag(node, f"`.{name}` is not allowed in an answer")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._check_store(node)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._check_store(node)
        self.generic_visit(node)

    def _check_store(self, node: ast.AST) -> None:
        root = _root_name(node)
        if root is None or root in self.imported or root in self.code:
            self.flag(node, f"the answer changes `{ast.unparse(node)}`, which it does not own")

    def visit_Assign(self, node: ast.Assign) -> None:
        # `t = torch.testing` makes an alias of trusted code: changing `t.x` would change torch.
        value = node.value
        if isinstance(value, (ast.Name, ast.Attribute)) and _root_name(value) in (self.imported | self.code):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.code.add(target.id)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            self.flag(node, f"calling `{node.func.id}()` is not allowed in an answer")
        self.generic_visit(node)


@dataclass(frozen=True)
class TrustedNames:
    """Names the notebook's own cells bind to code: imports, functions and classes.

    ``imports`` maps each imported name to the module path it stands for
    (``np`` -> ``numpy``, ``Checker`` -> ``course_lib.checks.Checker``).
    """

    code: frozenset[str]
    imports: dict[str, str]


def trusted_names(sources: list[str]) -> TrustedNames:
    """The top-level names the trusted (non-answer) cells of a notebook bind to code."""
    code: set[str] = set()
    imports: dict[str, str] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    imports[name] = alias.name if alias.asname else name
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name != "*":
                        imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                code.add(node.name)
    return TrustedNames(frozenset(code | set(imports)), imports)


def check_answer(source: str, trusted: TrustedNames) -> list[Violation]:
    """Every policy violation in an answer cell's ``source`` (empty when it may run).

    An answer may use the names the notebook's trusted cells define but not rebind
    them at the top level, and it may not change attributes of trusted code
    (modules, functions, classes) at all. It may change trusted *data* (freezing a
    model's parameters is an exercise).
    """
    for number, line in enumerate(source.splitlines(), start=1):
        if line.lstrip().startswith(("%", "!")):
            return [Violation(number, "IPython magics and shell commands (% or !) are not allowed in an answer")]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the learner's own mistake: it runs, fails and is reported on its merits
    visitor = _Visitor(trusted)
    visitor.visit(tree)
    return visitor.violations
