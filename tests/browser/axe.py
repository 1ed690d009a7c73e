"""Accessibility in the browser: axe-core (vendored from the npm registry, ``vendor/``) injected
into the page a test shows, run with its French messages; a violation of impact *serious* or
*critical* fails the test, listed in French with the elements concerned.

axe-core checks what a machine can check of WCAG 2.x, which RGAA 4 follows (labels tied to
fields, contrast, ``lang``, names of links and buttons, landmarks, headings…); what it cannot
check (a sensible reading order, errors that make sense) the page tests check by reading the page.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent / "vendor"

#: The impacts that fail a test (axe's own scale: minor, moderate, serious, critical).
FAILING = ("serious", "critical")
IMPACTS_FR = {"minor": "mineur", "moderate": "modéré", "serious": "grave", "critical": "critique"}

#: WCAG 2.0, 2.1 and 2.2 A and AA (RGAA 4.1 targets WCAG 2.1 AA), and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
    .then(result => done(JSON.stringify({violations: result.violations, url: result.url})))
    .catch(error => done(JSON.stringify({error: String(error)})));
"""


@cache
def _sources() -> tuple[str, str]:
    script = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
    locale = (VENDOR / "axe.fr.json").read_text(encoding="utf-8")
    return script, f"axe.configure({{locale: {locale}}});"


def violations(driver: Any) -> list[dict[str, Any]]:
    """Every axe violation of the page ``driver`` shows (any impact). The script is injected by
    WebDriver, outside the page's Content-Security-Policy, which therefore stays as strict as
    the application sends it."""
    script, locale = _sources()
    if not driver.execute_script("return typeof window.axe === 'object';"):
        driver.execute_script(script)
        driver.execute_script(locale)
    driver.set_script_timeout(60)
    answer = json.loads(driver.execute_async_script(_RUN, TAGS))
    if "error" in answer:
        raise AssertionError(f"axe-core n'a pas pu analyser la page : {answer['error']}")
    found: list[dict[str, Any]] = answer["violations"]
    return found


def describe(found: list[dict[str, Any]], page: str) -> str:
    """The violations ``found`` on ``page`` in French, one rule a paragraph, its elements below."""
    lines = [f"Accessibilité : {len(found)} règle(s) non respectée(s) sur la page {page}"]
    for violation in found:
        impact = IMPACTS_FR.get(violation.get("impact") or "", violation.get("impact"))
        lines.append(
            f"- [{impact}] {violation['id']} : {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node.get("target", ()))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    élément {target} : {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … et {len(violation['nodes']) - 5} autre(s) élément(s)")
    return "\n".join(lines)


def check_page(driver: Any, page: str) -> list[dict[str, Any]]:
    """Fail when the page shown has a serious or critical violation; return the lesser ones."""
    found = violations(driver)
    failing = [v for v in found if v.get("impact") in FAILING]
    if failing:
        raise AssertionError(describe(failing, page))
    return found
