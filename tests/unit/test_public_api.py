"""The public API keeps its promises (docs/api.md): every type a caller meets is importable from
``rsgm_core``, and every use case follows one naming convention."""

from __future__ import annotations

import ast
import collections.abc
import datetime as dt
import inspect
import re
import types
import typing
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
import pytest

import rsgm_core
from rsgm_core import hookspecs
from rsgm_core.app import App

SRC = Path(rsgm_core.__file__).parent

# Names a hint may use besides rsgm_core's own: the standard library's.
_STANDARD = {
    **{name: getattr(collections.abc, name) for name in collections.abc.__all__},
    **{name: getattr(typing, name) for name in ("Any", "Literal", "Self", "TypeVar")},
    "dt": dt,
    "datetime": dt,
    "Decimal": Decimal,
    "Path": Path,
    "ZoneInfo": __import__("zoneinfo").ZoneInfo,
}


def _deprecated(obj: object) -> bool:
    return hasattr(obj, "__deprecated__") or hasattr(inspect.unwrap(obj), "__deprecated__")  # type: ignore[arg-type]


def areas() -> dict[str, type]:
    """The facade's areas (``app.members`` …) and their classes, deprecated ones left out."""
    found = {}
    with rsgm_core.open("memory://", autoload=False) as app, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name, member in vars(App).items():
            if isinstance(member, cached_property) and not name.startswith("_"):
                cls = type(getattr(app, name))
                if not _deprecated(cls):
                    found[name] = cls
    return found


def use_cases() -> Iterator[tuple[str, Callable[..., Any]]]:
    """``area.method`` and the function of every public, non-deprecated use case."""
    for area, cls in sorted(areas().items()):
        for name, member in inspect.getmembers(cls):
            if name.startswith("_") or _deprecated(member):
                continue
            function = member.fget if isinstance(member, property) else member
            if inspect.isfunction(function):
                yield f"{area}.{name}", function


def hook_specs() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name, function in vars(hookspecs).items():
        if name.startswith("rsgm_") and inspect.isfunction(function):
            yield name, function


def _namespace() -> dict[str, Any]:
    return {**_STANDARD, **{name: getattr(rsgm_core, name) for name in rsgm_core.__all__}}


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(inspect.unwrap(function), localns=_namespace())
    except NameError as exc:  # a name neither exported nor from the standard library
        pytest.fail(f"{function.__qualname__}: {exc}; export it from rsgm_core")


def _classes(hint: Any) -> Iterator[type]:
    """Every class a hint names, through unions, generics and Literal."""
    if typing.get_origin(hint) is typing.Literal:
        return
    if isinstance(hint, type) and not isinstance(hint, types.GenericAlias):
        yield hint
    for argument in typing.get_args(hint):
        if argument is not Ellipsis and not isinstance(argument, list):
            yield from _classes(argument)
        elif isinstance(argument, list):  # Callable[[A, B], C]
            for item in argument:
                yield from _classes(item)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "rsgm_core"


SIGNATURES = [*use_cases(), *hook_specs()]


@pytest.mark.parametrize(("name", "function"), SIGNATURES, ids=[n for n, _ in SIGNATURES])
def test_every_type_in_a_public_signature_is_exported(
    name: str, function: Callable[..., Any]
) -> None:
    missing = {
        f"{cls.__module__}.{cls.__qualname__}"
        for hint in _hints(function).values()
        for cls in _classes(hint)
        if _ours(cls) and getattr(rsgm_core, cls.__name__, None) is not cls
    }
    assert not missing, f"{name} uses types missing from rsgm_core.__all__: {sorted(missing)}"


def test_the_exported_names_exist_and_are_listed_once() -> None:
    assert len(rsgm_core.__all__) == len(set(rsgm_core.__all__))
    for name in rsgm_core.__all__:
        assert getattr(rsgm_core, name) is not None


def test_the_result_types_of_use_cases_are_attrs_classes_or_values() -> None:
    """No fixed-length tuple as a result: a caller reads fields by name."""
    offenders = []
    for name, function in use_cases():
        result = _hints(function).get("return")
        for hint in (result, *typing.get_args(result)):
            origin = typing.get_origin(hint)
            if origin is tuple and typing.get_args(hint)[-1:] != (Ellipsis,):
                offenders.append(f"{name} -> {result}")
        for cls in _classes(result):
            if _ours(cls) and not (attrs.has(cls) or getattr(cls, "_is_protocol", False)):
                if not inspect.isclass(cls) or cls.__module__ == "rsgm_core.app":
                    continue
                if not hasattr(cls, "__members__"):  # enums are values too
                    offenders.append(f"{name} -> {cls.__qualname__} is not an attrs class")
    assert not offenders, "\n".join(offenders)


# The naming convention of docs/api.md#conventions.
FORBIDDEN_PARAMETERS = {
    "member": "member_id",
    "person": "member_id",
    "today": "on",
    "since": "period",
    "until": "period",
    "joined_on": "on",
    "signed_on": "on",
    "created_on": "on",
    "author": "by",
    "event": "event_id",
}


@pytest.mark.parametrize(("name", "function"), list(use_cases()), ids=[n for n, _ in use_cases()])
def test_use_cases_follow_the_naming_convention(name: str, function: Callable[..., Any]) -> None:
    method = name.split(".", 1)[1]
    assert method != "list", f"{name}: a listing is list_<plural>()"
    signature = inspect.signature(function)
    for parameter in signature.parameters.values():
        where = f"{name}({parameter.name})"
        assert parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL), (
            f"{where}: explicit parameters, no *args or **kwargs"
        )
        assert parameter.name not in FORBIDDEN_PARAMETERS, (
            f"{where}: say {FORBIDDEN_PARAMETERS[parameter.name]}"
        )
        if parameter.name == "self":
            continue
        if parameter.name in {"on", "year", "period"} or method.startswith("list_"):
            assert parameter.kind in (parameter.KEYWORD_ONLY, parameter.VAR_KEYWORD), (
                f"{where} is keyword-only (filters of a listing too)"
            )
        if parameter.name == "period":
            assert "Period" in str(parameter.annotation), f"{where} is a Period"
        assert "UnitOfWork" not in str(parameter.annotation), (
            f"{where}: a use case opens its own unit of work"
        )


def test_deprecated_names_point_to_a_current_one() -> None:
    """Every deprecated name still on an area names, in its warning text or docstring, a use case
    that exists and is not deprecated."""
    qualified = {name for name, _ in use_cases()}
    current = {name.split(".", 1)[1] for name in qualified}
    with rsgm_core.open("memory://", autoload=False) as app, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        services = [getattr(app, a) for a, m in vars(App).items() if isinstance(m, cached_property)]
    for service in services:
        for name, member in inspect.getmembers(type(service)):
            if name.startswith("_") or not _deprecated(member):
                continue
            text = f"{getattr(member, '__deprecated__', '')} {member.__doc__ or ''}"
            named = set(re.findall(r"[a-z_]+", text)) & (current - {name}) | (
                set(re.findall(r"([a-z_]+\.[a-z_]+)\(", text)) & qualified
            )
            assert named, f"{type(service).__name__}.{name} names no current use case: {text!r}"


def _rule_raises(path: Path) -> Iterator[tuple[int, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(call, ast.Name) and call.id == "RuleViolation":
                yield node.lineno, lines[max(0, node.lineno - 2) : node.lineno]


def test_a_rule_checked_in_a_service_says_why_it_needs_storage() -> None:
    """Rules that need no storage live in the domain; those left in services say why."""
    unexplained = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted((SRC / "services").glob("*.py"))
        for line, context in _rule_raises(path)
        if not any("# needs storage" in text for text in context)
    ]
    assert not unexplained, f"raise RuleViolation without '# needs storage': {unexplained}"


def test_no_service_imports_the_facade() -> None:
    for path in sorted((SRC / "services").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "rsgm_core.app", f"{path.name} imports rsgm_core.app"


def test_the_lazily_imported_names_are_the_ones_type_checkers_see() -> None:
    """``rsgm_core`` imports its public types on first use (``_LAZY``) and names them for type
    checkers under ``TYPE_CHECKING``: the two lists must agree, and each lazy name is the very
    object of its module."""
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    checked = {
        alias.name: node.module
        for block in tree.body
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = rsgm_core._LAZY  # type: ignore[attr-defined]
    assert checked == lazy
    assert set(lazy) <= set(rsgm_core.__all__)
    for name, module in lazy.items():
        assert getattr(rsgm_core, name) is getattr(__import__(module, fromlist=[name]), name)


def test_the_examples_of_docs_api_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (SRC.parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    examples = re.findall(
        r"<!-- runs in tests/unit/test_public_api.py -->\n```python\n(.*?)```", text, re.S
    )
    assert len(examples) == 2
    monkeypatch.chdir(tmp_path)
    for number, code in enumerate(examples):
        exec(compile(code, f"docs/api.md example {number + 1}", "exec"), {})
