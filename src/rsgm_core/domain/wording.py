"""French wording of a place's name after « de »: élision before a vowel (« d'Aubigny »), the
article contracted (« du Tallud », « des Aubiers »)."""

from __future__ import annotations

__all__ = ["of_place"]

_VOWELS = frozenset("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸaeiouyàâäéèêëîïôöùûüÿ")


def of_place(name: str) -> str:
    """``"Aubigny"`` -> ``"d'Aubigny"``, ``"Le Tallud"`` -> ``"du Tallud"``, ``"Les Aubiers"``
    -> ``"des Aubiers"``, ``"La Crèche"`` -> ``"de La Crèche"``, ``"Niort"`` -> ``"de Niort"``
    (a name starting with « h » keeps « de »: aspirated or not, it cannot be told here)."""
    text = name.strip()
    if text.startswith("Le "):
        return f"du {text[3:]}"
    if text.startswith("Les "):
        return f"des {text[4:]}"
    if text[:1] in _VOWELS:
        return f"d'{text}"
    return f"de {text}"
