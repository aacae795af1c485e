"""Crawl the demo as a user would: sign in as a demo role, follow same-site links from the start
page, keep every HTML page. For sweeps that must cover pages added later without a list."""

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from app.demo import (
    ADMIN_EMAIL,
    CITIZEN_PIN,
    CONSULTANT_EMAIL,
    CONSULTANT_PASSWORD,
    DEMO_CITIZENS,
    MANAGER_EMAIL,
    NETWORK_CODE,
)
from tests.conftest import Client

MAX_PAGES = 120
# Links that are not pages: streams would never end, the rest are not HTML.
NOT_PAGES = re.compile(r"/events|\.csv$|\.json$|/qr|/static/|/logout")
HIDDEN_TAGS = ("script", "style", "template")
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Page:
    html: str
    text: str = ""
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._page_lang: str | None = None
        # Open elements inside one marked as another language (the consent text in both).
        self._foreign = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self._page_lang = values.get("lang")
        elif tag not in VOID_TAGS and (self._foreign or (values.get("lang") not in (None, self._page_lang))):
            self._foreign += 1
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        if tag == "a" and (href := values.get("href")):
            self.links.append(href)
        for name in ("aria-label", "title", "placeholder", "alt"):
            if values.get(name) and not self._foreign:
                self.text.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden -= 1
        if self._foreign and tag not in VOID_TAGS:
            self._foreign -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._foreign:
            self.text.append(data)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return Page(html=html, text=" ".join(" ".join(reader.text).split()), links=reader.links)


def crawl(client: Client) -> dict[str, Page]:
    """Every same-site HTML page reachable from the start page, by URL."""
    pages: dict[str, Page] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft().split("#")[0]
        if not url or url in seen or not url.startswith("/") or NOT_PAGES.search(url):
            continue
        seen.add(url)
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page = read(response.text)
        pages[url] = page
        queue.extend(page.links)
    return pages


def _staff(email: str) -> Callable[[Client], None]:
    return lambda client: client.sign_in_staff(email, CONSULTANT_PASSWORD)


def _code(code: str) -> Callable[[Client], None]:
    return lambda client: client.sign_in_citizen(code, CITIZEN_PIN)


DEMO_ROLES: dict[str, Callable[[Client], None]] = {
    "citizen": _code(DEMO_CITIZENS[0].code),
    "consultant": _staff(CONSULTANT_EMAIL),
    "network": _code(NETWORK_CODE),
    "manager": _staff(MANAGER_EMAIL),
    "admin": _staff(ADMIN_EMAIL),
    "anonymous": lambda _client: None,
}
