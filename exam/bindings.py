"""The values of simple names in a script, read with `ast` (never run): what `x` is in `x = 120` or `path = "cp.ckpt"`,
so that the migration check sees `Input(shape=(max_length))` as `Input(shape=120)`.

A name has a value only when its scope (the module, or one function) binds it exactly once, by `name = <value>`,
and nothing declares it global or nonlocal. A value is a number, a string, a list or tuple of values, a unary minus,
`+ - * /` on numbers, `+` on strings, an f-string of values, or os.path.join of strings; anything else is unknown.
Sizes are bounded: the script is untrusted and is read, never executed.
"""

from __future__ import annotations

import ast
import os
from collections import defaultdict

UNKNOWN = object()
MAX_DEPTH = 20           # names that refer to names (and cycles: a = b; b = a) stop here
BUDGET = 200_000         # expressions evaluated per script: lists of lists of names cannot fan out without end
MAX_INT = 10 ** 18
MAX_TEXT = 10_000
SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_OPERATIONS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.Div: lambda a, b: a / b}


class _Module:
    """A name that stands for an imported module or function, e.g. `os`, `os.path`, `join` (= os.path.join)."""

    def __init__(self, dotted: str):
        self.dotted = dotted


class Bindings:
    def __init__(self, tree: ast.Module):
        self._bound: dict[ast.AST, dict[str, list]] = {}  # scope -> name -> what binds it (an expression, or a _Module)
        self._parent: dict[ast.AST, ast.AST | None] = {tree: None}
        self._shared: set[str] = set()  # names some function declares global or nonlocal
        self._budget = BUDGET
        self._collect(tree)

    def value(self, node: ast.AST, scope: ast.AST, depth: int = 0):
        """The value of the expression `node` read inside `scope` (a node of SCOPES), or UNKNOWN."""
        self._budget -= 1
        if depth > MAX_DEPTH or self._budget < 0:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return _bounded(node.value)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(e, scope, depth + 1) for e in node.elts]
            if any(item is UNKNOWN or isinstance(item, _Module) for item in items):
                return UNKNOWN
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Name):
            return self._lookup(node.id, scope, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, scope, depth + 1)
            return _bounded(-operand if isinstance(node.op, ast.USub) else operand) if _number(operand) else UNKNOWN
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATIONS:
            return self._operation(node, scope, depth)
        if isinstance(node, ast.JoinedStr):
            return self._f_string(node, scope, depth)
        if isinstance(node, ast.Attribute):
            owner = self.value(node.value, scope, depth + 1)
            return _Module(f"{owner.dotted}.{node.attr}") if isinstance(owner, _Module) else UNKNOWN
        if isinstance(node, ast.Call) and not node.keywords:
            function = self.value(node.func, scope, depth + 1)
            parts = [self.value(a, scope, depth + 1) for a in node.args]
            if isinstance(function, _Module) and function.dotted == "os.path.join" and parts \
                    and all(isinstance(p, str) for p in parts):
                return _bounded(os.path.join(*parts))
        return UNKNOWN

    def _lookup(self, name: str, scope: ast.AST, depth: int):
        reading_from = scope
        while scope is not None:
            if isinstance(scope, ast.ClassDef) and scope is not reading_from:
                scope = self._parent[scope]  # a method does not see its class's names
                continue
            binders = self._bound.get(scope, {}).get(name)
            if binders:
                if len(binders) != 1 or name in self._shared:
                    return UNKNOWN
                binder = binders[0]
                if binder is None or isinstance(binder, _Module):
                    return UNKNOWN if binder is None else binder
                return self.value(binder, scope, depth + 1)
            scope = self._parent[scope]
        return UNKNOWN

    def _operation(self, node: ast.BinOp, scope, depth):
        left, right = self.value(node.left, scope, depth + 1), self.value(node.right, scope, depth + 1)
        both_numbers, both_text = _number(left) and _number(right), isinstance(left, str) and isinstance(right, str)
        if both_numbers or both_text and isinstance(node.op, ast.Add):
            try:
                return _bounded(_OPERATIONS[type(node.op)](left, right))
            except (ArithmeticError, ValueError):
                return UNKNOWN
        return UNKNOWN

    def _f_string(self, node: ast.JoinedStr, scope, depth):
        pieces = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return UNKNOWN
                inner = self.value(part.value, scope, depth + 1)
                if not (isinstance(inner, str) or _number(inner)):
                    return UNKNOWN
                pieces.append(str(inner))
            else:
                pieces.append(part.value)
        return _bounded("".join(pieces))

    # --- which scope binds which name, and how ---------------------------------------------------------------------
    def _collect(self, scope: ast.AST) -> None:
        bound: dict[str, list] = defaultdict(list)
        self._bound[scope] = bound
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = scope.args
            for argument in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
                    [a for a in (arguments.vararg, arguments.kwarg) if a]:
                bound[argument.arg].append(None)
        body = [scope.body] if isinstance(scope, ast.Lambda) else scope.body
        for statement in body:
            self._visit(statement, scope, bound)

    def _visit(self, node: ast.AST, scope: ast.AST, bound: dict) -> None:
        if isinstance(node, SCOPES):
            if not isinstance(node, ast.Lambda):
                bound[node.name].append(None)
            for decorator in getattr(node, "decorator_list", []):
                self._visit(decorator, scope, bound)
            self._parent[node] = scope
            self._collect(node)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            self._shared.update(node.names)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound[node.targets[0].id].append(node.value)
            self._visit(node.value, scope, bound)
            return
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname].append(_Module(alias.name))
                else:
                    bound[alias.name.split(".")[0]].append(_Module(alias.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                bound[alias.asname or alias.name].append(_Module(f"{node.module}.{alias.name}") if node.module
                                                         and not node.level else None)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound[node.id].append(None)  # for targets, with ... as, augmented assignment, del, walrus, ...
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound[node.name].append(None)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound[node.name].append(None)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound[node.rest].append(None)
        for child in ast.iter_child_nodes(node):
            self._visit(child, scope, bound)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bounded(value):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return UNKNOWN
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return UNKNOWN
    return value
