"""Deprecated names kept for one release, each warning with the name that replaces it."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["deprecated_alias"]


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
