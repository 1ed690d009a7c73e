"""Money: ``Decimal`` euros to the cent, never float (TAR-7).

Re-exported by :mod:`rsgm_core.domain.tariffs`, where the grids use it.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rsgm_core.domain.bounds import MAX_AMOUNT
from rsgm_core.errors import ValidationError

__all__ = ["CENT", "round_money", "to_money"]

CENT = Decimal("0.01")


def _money_error(value: object, why: str) -> ValidationError:
    return ValidationError(f"montant refusé : {value!r} {why}", rule="TAR-7", value=value)


def to_money(value: Any) -> Decimal:
    """Return ``value`` as an amount in euros from 0 to :data:`~.bounds.MAX_AMOUNT`, to the
    cent (TAR-7).

    Floats are refused, never converted: ``0.1`` is not one tenth in binary, and a fee that silently
    became ``100.0000000000000055511151231257827`` would end up on an invoice. Sub-cent amounts are
    refused too rather than rounded, so that a typo in a grid does not go unnoticed.
    """
    if isinstance(value, float):
        raise _money_error(
            value, f'est un nombre à virgule flottante ; écrivez Decimal("{value}") ou "{value}"'
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _money_error(value, "n'est ni un Decimal, ni un entier, ni une chaîne numérique")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise _money_error(value, "est illisible (attendu : un nombre comme « 100.50 »)") from None
    if not amount.is_finite() or amount < 0:
        raise _money_error(value, "(un montant est un nombre fini et positif ou nul)")
    if amount > MAX_AMOUNT:
        raise _money_error(
            value, f"dépasse {int(MAX_AMOUNT):,} € (borne de docs/limits.md)".replace(",", "\u202f")
        )
    rounded = amount.quantize(CENT)
    if rounded != amount:
        raise _money_error(value, "a plus de deux décimales (un montant est au centime près)")
    return rounded


def round_money(amount: Decimal) -> Decimal:
    """Round a computed amount half-up to the cent (``0.005`` → ``0.01``), as French invoices do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
