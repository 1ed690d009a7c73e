"""Deprecated names kept for one release, each warning with the call that replaces it.

Every tool here warns with a ``DeprecationWarning`` that points at the caller of the deprecated
name (``stacklevel``), and marks what it wraps with ``__deprecated__`` (PEP 702):

- :func:`warn_deprecated`: the warning itself, for a shim with a body of its own;
- :func:`deprecated`: a function kept with its old call, warning before it runs its own body;
- :func:`deprecated_alias` and :func:`deprecated_aliases`: an old method name for a new one;
- :func:`renamed_keywords`: a keyword argument under its old name;
- :func:`keyword_only`: arguments that became keyword-only, still accepted by position;
- :func:`moved_methods`: the methods of an area that moved to other areas, forwarding there;
- :class:`DeprecatedTuple`: a result that was a tuple, still unpacked and indexed.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

F = TypeVar("F", bound=Callable[..., Any])

#: The release that renamed the API; the deprecated names go in the next one.
SINCE = "0.2.0"

__all__ = [
    "SINCE",
    "DeprecatedTuple",
    "deprecated",
    "deprecated_alias",
    "deprecated_aliases",
    "keyword_only",
    "moved_methods",
    "renamed_keywords",
    "warn_deprecated",
]


def warn_deprecated(old: str, new: str, *, stacklevel: int = 2) -> None:
    """Warn that ``old`` is deprecated, naming ``new`` instead: ``"stale(today) is deprecated
    since rsgm_core 0.2.0; use stale(on=…) instead"``. ``stacklevel`` counts from the function
    calling this one, as for :func:`warnings.warn`: 2 (the default) is its caller. Frames of this
    module are passed over, so that shims stacked on one method still name the caller's line
    (Python 3.11 has no ``skip_file_prefixes``)."""
    depth = stacklevel
    frame = sys._getframe(depth)
    while frame.f_code.co_filename == __file__ and frame.f_back is not None:
        frame, depth = frame.f_back, depth + 1
    warnings.warn(
        f"{old} is deprecated since rsgm_core {SINCE}; use {new} instead",
        DeprecationWarning,
        stacklevel=depth + 1,
    )


def deprecated(use: str, *, old: str | None = None, area: str | None = None) -> Callable[[F], F]:
    """A shim kept for one release whose call changed shape (not only its name): it warns that
    ``old`` (by default ``name()``, or ``app.<area>.name()`` with ``area``) is deprecated, naming
    ``use``, then runs its own body.

    ``@deprecated("list_communes(epci=…)")`` over ``def epci_members(self, epci): ...``.
    """

    def decorate(function: F) -> F:
        before = old or f"{f'app.{area}.' if area else ''}{function.__name__}()"

        @functools.wraps(function)
        def shim(*args: Any, **kwargs: Any) -> Any:
            warn_deprecated(before, use)
            return function(*args, **kwargs)

        shim.__deprecated__ = f"use {use}"  # type: ignore[attr-defined]  # PEP 702 marker
        return shim  # type: ignore[return-value]  # same signature as ``function``

    return decorate


def deprecated_alias(new: F, old_name: str, *, area: str | None = None) -> F:
    """``old_name`` calling ``new`` with a ``DeprecationWarning`` naming ``new``; with ``area``,
    both are named as ``app.<area>.<name>()``.

    Use it in a class body: ``activate = deprecated_alias(activate_network, "activate")``.
    """
    prefix = f"app.{area}." if area else ""
    use = f"{prefix}{new.__name__}()"

    @functools.wraps(new)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warn_deprecated(f"{prefix}{old_name}()", use)
        return new(*args, **kwargs)

    _rename(alias, new, old_name, f"Deprecated alias of :meth:`{new.__name__}`.")
    alias.__deprecated__ = f"use {use}"  # type: ignore[attr-defined]  # PEP 702 marker
    return alias  # type: ignore[return-value]  # same signature as ``new``


def deprecated_aliases(cls: type, /, *, area: str | None = None, **old_to_new: str) -> None:
    """Attach deprecated aliases to ``cls`` after its body, so that an old name such as ``list``
    never shadows a builtin inside the class: ``deprecated_aliases(MemberService,
    list="list_members")``; ``area`` as for :func:`deprecated_alias`."""
    for old, new in old_to_new.items():
        setattr(cls, old, deprecated_alias(getattr(cls, new), old, area=area))


def renamed_keywords(**old_to_new: str) -> Callable[[F], F]:
    """Accept a keyword argument under its old name for one release, with a warning:
    ``@renamed_keywords(member="member_id")``."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    warn_deprecated(f"{function.__name__}({old}=…)", f"{new}=…")
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # same signature as ``function``

    return decorate


def keyword_only(
    *names: str,
    after: int = 1,
    old: str | None = None,
    use: str | None = None,
    when: Callable[[tuple[Any, ...], dict[str, Any]], bool] | None = None,
) -> Callable[[F], F]:
    """Accept for one release, by position, the arguments ``names`` that are keyword-only now:
    the positional arguments beyond the first ``after`` (``self`` counts) become those keywords,
    in order, with a warning naming the call with keywords (or ``old`` and ``use`` where given).
    ``when(args, kwargs)``, where given, says whether the call is an old one at all.
    ``inspect.signature`` shows the new signature."""

    def decorate(function: F) -> F:
        name = function.__name__
        keywords = ", ".join(f"{n}=…" for n in names)
        before = old or f"{name}() given {', '.join(names)} by position"
        after_text = use or f"the keyword-only {name}(…, {keywords})"

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > after and (when is None or when(args, kwargs)):
                warn_deprecated(before, after_text)
                extra = args[after:]
                kwargs.update(zip(names, extra, strict=False))
                args = args[:after] + extra[len(names) :]
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # same signature as ``function``

    return decorate


def moved_methods(
    cls: type,
    area: str,
    moves: Iterable[tuple[str, str, Callable[..., Any]]],
    *,
    target: Callable[[Any, str], Any],
    keywords: Mapping[str, Mapping[str, str]] | None = None,
    first_as: Mapping[str, str] | None = None,
) -> None:
    """Keep on ``cls`` (the area ``app.<area>``) for one release the methods that moved to other
    areas: each ``(old, new_area, new)`` of ``moves`` becomes ``app.<area>.<old>()``, which warns
    with the new call ``app.<new_area>.<new>()`` and calls ``new`` on ``target(self, new_area)``.

    ``keywords[old]`` maps its former keyword names to the new ones; ``first_as[old]`` names the
    keyword that its first positional argument became.
    """
    for old, new_area, new in moves:
        setattr(
            cls,
            old,
            _moved(
                cls, old, area, new_area, new, target,
                (keywords or {}).get(old, {}), (first_as or {}).get(old),
            ),
        )  # fmt: skip


def _moved(
    cls: type,
    old: str,
    area: str,
    new_area: str,
    new: Callable[..., Any],
    target: Callable[[Any, str], Any],
    keywords: Mapping[str, str],
    first_as: str | None,
) -> Callable[..., Any]:
    use = f"app.{new_area}.{new.__name__}()"

    @functools.wraps(new)
    def alias(self: Any, *args: Any, **kwargs: Any) -> Any:
        warn_deprecated(f"app.{area}.{old}()", use)
        for before, after in keywords.items():
            if before in kwargs:
                kwargs[after] = kwargs.pop(before)
        if first_as is not None and args:
            kwargs[first_as], args = args[0], args[1:]
        return new(target(self, new_area), *args, **kwargs)

    _rename(alias, new, old, f"Deprecated alias of ``{use}``.")
    alias.__qualname__ = f"{cls.__qualname__}.{old}"
    alias.__deprecated__ = f"use {use}"  # type: ignore[attr-defined]  # PEP 702 marker
    return alias


def _rename(alias: Callable[..., Any], new: Callable[..., Any], old: str, doc: str) -> None:
    alias.__name__ = old
    alias.__qualname__ = new.__qualname__.rsplit(".", 1)[0] + "." + old
    alias.__doc__ = doc


class DeprecatedTuple:
    """Base of attrs results that were tuples before rsgm_core 0.2: unpacking, indexing and
    ``len()`` still work for one release, with a ``DeprecationWarning`` naming the attributes to
    read. Always true, as the tuple was (it was never empty), without a warning."""

    __slots__ = ()

    def _legacy_items(self) -> tuple[Any, ...]:
        # The subclasses are attrs classes; this base is not one.
        names = [field.name for field in attrs.fields(type(self))]  # type: ignore[arg-type]
        warnings.warn(
            f"unpacking or indexing a {type(self).__name__} is deprecated since rsgm_core "
            f"{SINCE}; read its attributes ({', '.join(names)}) instead",
            DeprecationWarning,
            stacklevel=3,  # the caller of __iter__ or __getitem__
        )
        lists = getattr(self, "_legacy_lists", ())  # fields that were lists in the old tuple
        return tuple(
            list(getattr(self, name)) if name in lists else getattr(self, name) for name in names
        )

    def __iter__(self) -> Iterator[Any]:
        return iter(self._legacy_items())

    def __getitem__(self, index: int) -> Any:
        return self._legacy_items()[index]

    def __len__(self) -> int:
        return len(self._legacy_items())

    def __bool__(self) -> bool:
        return True
