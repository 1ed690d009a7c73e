"""What the browser tests stand on: a CDG's profile with its ``[web]``, ``[smtp]`` and ``[base]``
sections written into a temporary copy, its database seeded through the public API, the real
application started by ``rsgm serve`` in a child process, the messages a real SMTP server
received, and a browser wrapper that runs axe-core on every page it shows.

The server runs on the real clock (it is another process): event dates are relative to today, and
an expired link is one issued in the past (``app.links.issue(…, on=…)``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.message
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rsgm_core
from rsgm_core import App, RsgmError, SessionPlan
from rsgm_core.profile_file import example_profile, read_profile
from tests.browser import axe
from tests.helpers import ADMIN_EMAIL, PROFILES, administrator

HERE = Path(__file__).resolve().parent
#: The communes of the CC Val Briard (Seine-et-Marne), from Etalab's decoupage-administratif
#: 6.0.0: CDG 77's database needs a few communes, and the bundled sample is CDG 79's.
DECOUPAGE_77 = HERE / "fixtures" / "decoupage" / "6.0.0"
SAMPLE_79 = Path(rsgm_core.__file__).parent / "data" / "sample" / "79"
SRC = Path(rsgm_core.__file__).resolve().parents[1]

SECRET = "secret-des-tests-dans-le-navigateur-0123456789"
#: The animator page's password (its scrypt hash goes into the profile when the app asks one).
ANIMATOR_PASSWORD = "mot de passe de l'animatrice des tests"

#: name, first name, last name, commune: the SGMs each site starts with.
PEOPLE = {
    "cdg77": (
        ("claire", "Claire", "Martin", "77527"),  # Voinsles, 591 inhabitants
        ("paul", "Paul", "Durand", "77087"),  # La Chapelle-Iger
        ("sophie", "Sophie", "Bernard", "77138"),  # Courtomer
    ),
    "cdg79": (
        ("claire", "Claire", "Martin", "79002"),  # Adilly, 310 inhabitants
        ("paul", "Paul", "Durand", "79007"),  # Allonne
        ("sophie", "Sophie", "Bernard", "79009"),  # Amuré
    ),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Messages ----------------------------------------------------------------------------------------


class Mailbox:
    """What the SMTP server on loopback received (``tests/smtp_server.py``)."""

    def __init__(self, handler: Any, port: int) -> None:
        self.handler = handler
        self.port = port

    def messages(self, to: str | None = None) -> list[email.message.EmailMessage]:
        found: list[email.message.EmailMessage] = list(self.handler.received)
        return [m for m in found if to is None or to in str(m["To"])]

    def wait_for(
        self, to: str, subject: str = "", *, count: int = 1, timeout: float = 15
    ) -> email.message.EmailMessage:
        """The latest message to ``to`` whose subject holds ``subject``, once ``count`` of them
        arrived (the server delivers right after its transaction commits)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(to) if subject in str(m["Subject"])]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                seen = [(str(m["To"]), str(m["Subject"])) for m in self.messages()]
                raise AssertionError(f"aucun message « {subject} » pour {to} ; reçus : {seen}")
            time.sleep(0.05)


def parts(message: email.message.EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of ``message``."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",  # type: ignore[attr-defined]
        html.get_content() if html is not None else "",  # type: ignore[attr-defined]
    )


def link_in(message: email.message.EmailMessage, base: str, letter: str) -> str:
    """The personal link of purpose ``letter`` in ``message``: in its plain-text part, and the
    same address as an ``<a href>`` of its HTML part (NOT-3)."""
    text, html = parts(message)
    pattern = re.compile(re.escape(f"{base}/{letter}/") + r"[A-Za-z0-9_\-.]+")
    found = pattern.findall(text)
    assert found, f"pas de lien {base}/{letter}/… dans « {message['Subject']} » :\n{text}"
    assert f'href="{found[0]}"' in html, "le lien de la partie texte manque à la partie HTML"
    return found[0]


def token_of(url: str) -> str:
    return url.rstrip("/").rpartition("/")[2]


# The site: profile, database, server -------------------------------------------------------------


def _without_table(text: str, name: str) -> str:
    """The profile ``text`` without its ``[name]`` table (the lines up to the next table)."""
    kept, skipping = [], False
    for line in text.splitlines():
        if line.strip().startswith("["):
            skipping = line.strip() == f"[{name}]"
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def write_profile(
    name: str, folder: Path, *, base: str, smtp_port: int, database: str, web: str = ""
) -> Path:
    """A temporary copy of CDG ``name``'s profile (``tests/profiles/cdg77.toml`` or CDG 79's
    example) with the sections a web site needs: ``[base]``, ``[smtp]`` on loopback, ``[web]``
    (address, secret and ``web``: the keys the application adds)."""
    source = PROFILES / "cdg77.toml" if name == "cdg77" else example_profile("cdg79")
    text = _without_table(source.read_text(encoding="utf-8"), "web")
    text += f"""
[base]
url = "{database}"

[smtp]
hote = "127.0.0.1"
port = {smtp_port}
securite = "none"
expediteur = "Réseau des SGM <reseau@{name}.example>"

[web]
url_publique = "{base}"
secret = "{SECRET}"
{web}
"""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rsgm.toml"
    path.write_text(text, encoding="utf-8")
    return path


def next_thursday(app: App, days: int) -> dt.date:
    day = app.today() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(3 - day.weekday()) % 7)


class Site:
    """A CDG's application served on loopback, its database opened here too (seeding and
    assertions through the public API), its people by first name (``site.people["claire"]``)."""

    def __init__(self, name: str, folder: Path, app: App, base: str, mailbox: Mailbox) -> None:
        self.name, self.folder, self.app, self.base, self.mailbox = (
            name, folder, app, base, mailbox,
        )  # fmt: skip
        self.profile = folder / "rsgm.toml"
        self.log = folder / "serve.log"
        self.people: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.admin = ""
        self.tokens: set[str] = set()  # every token a test followed: none may reach the log

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def link(self, purpose: str, who: str, object_id: str | None = None, **kw: Any) -> str:
        """A person's link issued here, as ``rsgm links`` prints it."""
        issued = self.app.links.issue(purpose, member_id=self.people[who], object_id=object_id,
                                      **kw)  # fmt: skip
        self.tokens.add(issued.token)
        return issued.url

    def mail_link(self, who: str, subject: str, letter: str, *, count: int = 1) -> str:
        """The link of purpose ``letter`` in the latest message ``subject`` to ``who``."""
        message = self.mailbox.wait_for(self.emails[who], subject, count=count)
        found = link_in(message, self.base, letter)
        self.tokens.add(token_of(found))
        return found

    def plan_event(self, title: str, *, capacity: int | None = None, days: int = 45) -> str:
        """An event on a Thursday about ``days`` from today (a later week if that one is refused,
        a public holiday for instance), in the CDG's first commune of the sample."""
        host = PEOPLE[self.name][0][3]
        for week in range(6):
            day = next_thursday(self.app, days + 7 * week)
            try:
                planned = self.app.events.plan(
                    title, "journée réseau", "présentiel",
                    [SessionPlan(day, "Salle des fêtes", capacity=capacity)],
                    topics=["élections"], host_commune=host,
                )  # fmt: skip
            except RsgmError:
                continue
            return planned.event.id
        raise AssertionError("aucun jeudi des semaines à venir n'accepte l'événement")

    def server_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def check_log_holds_no_token(self) -> None:
        """NOT-3: tokens are never logged (the access log gives the path's letter only)."""
        logged = self.server_log()
        leaked = [t for t in self.tokens if t in logged or t[:24] in logged]
        assert not leaked, f"{len(leaked)} jeton(s) de lien écrits dans le journal du serveur"
        if self.tokens:  # the check is not vacuous: the access log is written, tokens masked
            assert "[jeton masqué]" in logged, logged


def seed(site: Site) -> None:
    """The CDG's communes, its first administrator, and three SGMs with an address."""
    app = site.app
    if site.name == "cdg77":
        app.census.import_(DECOUPAGE_77, ["77"])
    else:
        app.census.import_(SAMPLE_79, ["79"])
    site.admin = administrator(app)
    for key, first, last, commune in PEOPLE[site.name]:
        address = f"{first.lower()}.{last.lower()}@mairie-{commune}.example.fr"
        member = app.members.add(first, last, email=address)
        app.members.add_position(member.id, commune, "sgm")
        site.people[key], site.emails[key] = member.id, address


@contextlib.contextmanager
def start_site(name: str, folder: Path, mailbox: Mailbox, *, web: str = "") -> Iterator[Site]:
    """CDG ``name``'s site: profile, seeded database, ``rsgm serve`` listening on a free port of
    127.0.0.1; stopped (and its log checked for tokens) at the end."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    database = f"sqlite:///{folder / 'rsgm.db'}"
    profile = write_profile(name, folder, base=base, smtp_port=mailbox.port, database=database,
                            web=web or animator_keys())  # fmt: skip
    settings = read_profile(profile)
    with rsgm_core.open(database, settings=settings) as app:
        site = Site(name, folder, app, base, mailbox)
        seed(site)
        with serving(site, port):
            yield site
        site.check_log_holds_no_token()


def animator_keys() -> str:
    """The ``[web]`` key of the animators' login (docs/web.md): the tests' administrator with a
    password hashed with scrypt."""
    from rsgm_core.web.passwords import hash_password

    hashed = hash_password(ANIMATOR_PASSWORD)
    return f'animateurs = [{{ email = "{ADMIN_EMAIL}", mot_de_passe = "{hashed}" }}]'


@contextlib.contextmanager
def serving(site: Site, port: int) -> Iterator[None]:
    """``rsgm serve`` on 127.0.0.1:``port`` with this checkout's code, until the block ends."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.pop("RSGM_DB", None)
    env["RSGM_CONFIG"] = str(site.profile)
    command = [sys.executable, "-m", "rsgm_core", "serve", "--config", str(site.profile),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with site.log.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=site.folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_listening(process, port, site)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(process: subprocess.Popen[bytes], port: int, site: Site) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"rsgm serve s'est arrêté ({process.returncode}) :\n"
                                 f"{site.server_log()}")  # fmt: skip
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise AssertionError(f"rsgm serve n'écoute pas sur le port {port} :\n{site.server_log()}")


# Requests made by hand (a crafted form, the RFC 8058 one-click POST) -----------------------------


def post(
    url: str, fields: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, str]:
    """POST ``fields`` form-encoded to ``url`` with no cookie, like another site or a mail
    client would; the status and the page."""
    parts_ = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts_.hostname, parts_.port, timeout=15)
    try:
        body = urllib.parse.urlencode(fields)
        connection.request(
            "POST", parts_.path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )  # fmt: skip
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


# The browser ---------------------------------------------------------------------------------------


class Browser:
    """Selenium's driver with the few gestures the tests make; every page it shows, after a
    link is opened or a form submitted, is checked by axe-core (:mod:`tests.browser.axe`)."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.checked: list[str] = []  # the pages checked, tokens hidden

    @property
    def page(self) -> str:
        """The current path with the token hidden (``/i/…``), to name the page in a failure."""
        path = urllib.parse.urlsplit(self.driver.current_url).path
        return re.sub(r"^/([a-z])/[^/]+", r"/\1/…", path)

    def _shown(self) -> None:
        self.driver.implicitly_wait(0)
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        blocked = [e["message"] for e in self.driver.get_log("browser")
                   if "Content Security Policy" in e.get("message", "")]  # fmt: skip
        assert not blocked, f"la page {self.page} enfreint sa politique CSP : {blocked}"
        lesser = axe.check_page(self.driver, self.page)
        self.checked.append(self.page)
        if lesser and os.environ.get("RSGM_AXE_REPORT"):  # the minor and moderate ones, to read
            print(axe.describe(lesser, self.page))

    def open(self, url: str) -> Browser:
        self.driver.get(url)
        self._shown()
        return self

    @property
    def title(self) -> str:
        return str(self.driver.title)

    @property
    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    @property
    def main(self) -> str:
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.TAG_NAME, "main")
        return str(found[0].text) if found else self.text

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def label_for(self, field: Any) -> str:
        """The text of the ``<label>`` tied to ``field`` (RGAA 11.1: a field has a label)."""
        ident = field.get_attribute("id")
        assert ident, f"champ {field.get_attribute('name')!r} sans identifiant pour son étiquette"
        return str(self.find(f'label[for="{ident}"]').text)

    def fill(self, name: str, value: str) -> None:
        """Type ``value`` in the field named ``name``, found by its label as a person would."""
        field = self.find(f'[name="{name}"]')
        assert self.label_for(field)
        field.clear()
        field.send_keys(value)

    def choose(self, name: str, value: str | None = None) -> None:
        """Tick the radio button or checkbox ``name`` (of ``value``), by clicking its label."""
        css = f'input[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
        field = self.find(css)
        if not field.is_selected():
            self.find(f'label[for="{field.get_attribute("id")}"]').click()
        assert field.is_selected()

    def submit(self, button: str | None = None) -> Browser:
        """Press the form's submit button (the one whose text holds ``button``), then wait for
        the next page and check it."""
        buttons = [b for b in self.find_all('button[type="submit"], input[type="submit"]')
                   if button is None or button.lower() in (b.text or b.get_attribute("value")
                                                           or "").lower()]  # fmt: skip
        assert buttons, f"pas de bouton « {button} » sur la page {self.page} :\n{self.main}"
        self._navigate(buttons[0].click)
        return self

    def _navigate(self, gesture: Any) -> None:
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.find("html")
        gesture()

        def left(_: Any) -> bool:  # the old page is gone once its root element is
            try:
                old.is_enabled()
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:  # chromedriver's other word for it, mid-swap
                if "does not belong to the document" in str(error):
                    return True
                raise
            return False

        WebDriverWait(self.driver, 30).until(left)
        self._shown()

    def keyboard_submit(self, button: str | None = None) -> Browser:
        """Reach the submit button (the one whose text holds ``button``) with the Tab key only
        and press Enter: the form works without a mouse (RGAA 12.13)."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.driver.execute_script("document.activeElement && document.activeElement.blur();")
        for _ in range(60):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            focused = self.driver.switch_to.active_element
            kind = focused.get_attribute("type") or ""
            words = (focused.text or focused.get_attribute("value") or "").lower()
            if kind == "submit" and (button is None or button.lower() in words):
                self._navigate(lambda: ActionChains(self.driver).send_keys(Keys.ENTER).perform())
                return self
        raise AssertionError(f"le bouton « {button} » n'est pas atteint au clavier ({self.page})")
