"""Deprecated names kept for one release, each warning with the name that replaces it."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["deprecated_alias", "deprecated_aliases", "renamed_keywords"]


def deprecated_alias(new: F, old_name: str, *, since: str = "0.2.0") -> F:
    """``old_name`` calling ``new`` with a ``DeprecationWarning`` naming ``new``.

    Use it in a class body: ``activate = deprecated_alias(activate_network, "activate")``.
    """

    @functools.wraps(new)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"{old_name}() is deprecated since rsgm_core {since}; use {new.__name__}() instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return new(*args, **kwargs)

    alias.__name__ = old_name
    alias.__qualname__ = new.__qualname__.rsplit(".", 1)[0] + "." + old_name
    alias.__doc__ = f"Deprecated alias of :meth:`{new.__name__}`."
    alias.__deprecated__ = f"use {new.__name__}()"  # type: ignore[attr-defined]  # PEP 702 marker
    return alias  # type: ignore[return-value]  # same signature as ``new``


def deprecated_aliases(cls: type, **old_to_new: str) -> None:
    """Attach deprecated aliases to ``cls`` after its body, so that an old name such as ``list``
    never shadows a builtin inside the class: ``deprecated_aliases(MemberService,
    list="list_members")``."""
    for old, new in old_to_new.items():
        setattr(cls, old, deprecated_alias(getattr(cls, new), old))


def renamed_keywords(**old_to_new: str) -> Callable[[F], F]:
    """Accept a keyword argument under its old name for one release, with a warning:
    ``@renamed_keywords(member="member_id")``."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    warnings.warn(
                        f"{function.__name__}({old}=…) is deprecated; use {new}=…",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # same signature as ``function``

    return decorate
