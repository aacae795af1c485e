"""Languages: gettext catalogues compiled by Babel, and locale-aware formatting of dates and numbers."""

from dataclasses import dataclass
from datetime import date, datetime
from datetime import datetime as _datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from markupsafe import Markup
from starlette.responses import Response

from app import clock
from app.core.config import ROOT, Settings
from app.core.numbers import decimal

LOCALES_DIR = ROOT / "locales"
SUPPORTED = ("da", "en")
DEFAULT = "da"
# Shown in each language's own name, so a person who cannot read the current one finds theirs.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

# Dates and numbers are written as people read them here: day first, 24-hour clock, in English
# too (Babel's plain "en" is American: 12/10/26 reads as 12 October in Denmark and Britain).
# A day or a moment (the class below has methods named date and datetime).
Day = date | datetime
FORMAT_LOCALES = {"da": "da_DK", "en": "en_GB"}
# A short date and time that cannot be misread: "10 Dec 2026, 10:00".
DATETIME_PATTERNS = {"en": {"short": "d MMM y, HH:mm"}}

# The language a person chose before signing in (or without an account).
LANG_COOKIE = "tavle_lang"


@lru_cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [locale], domain="messages")


def negotiate(accept_language: str | None) -> str | None:
    """The first supported language in an Accept-Language header, by its q order."""
    if not accept_language:
        return None
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            weight = decimal(params.strip()[2:])
            if weight is None:
                continue
            quality = weight
        weighted.append((quality, tag.strip().lower()))
    for _quality, tag in sorted(weighted, key=lambda item: -item[0]):
        language = tag.split("-")[0]
        if language in SUPPORTED:
            return language
    return None


def normalise(locale: str | None) -> str | None:
    return locale if locale in SUPPORTED else None


@dataclass(frozen=True)
class Translator:
    """Everything a template or a service needs to speak one language."""

    locale: str

    @property
    def _t(self) -> NullTranslations:
        return translations(self.locale)

    def gettext(self, message: str, **variables: Any) -> str:
        text = self._t.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return self._t.ngettext(singular, plural, n) % variables

    def template_gettext(self, message: str, **variables: Any) -> Markup:
        # Translations are trusted; the values put into them are escaped.
        if not variables:
            return _plain_message(self.locale, message)
        return Markup(self._t.gettext(message)) % variables

    def template_ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> Markup:
        variables.setdefault("num", n)
        return Markup(self._t.ngettext(singular, plural, n)) % variables

    @property
    def formats(self) -> str:
        """The Babel locale dates and numbers are written in."""
        return FORMAT_LOCALES.get(self.locale, self.locale)

    def date(self, value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_date(clock.local(value), format=fmt, locale=self.formats)
        return format_date(value, format=fmt, locale=self.formats)

    def time(self, value: datetime | None, fmt: str = "short") -> str:
        """The time of day in Copenhagen, as the language writes it (da "10.14", en "10:14")."""
        if value is None:
            return ""
        return format_time(value, format=fmt, tzinfo=clock.ZONE, locale=self.formats)

    def datetime(self, value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        pattern = DATETIME_PATTERNS.get(self.locale, {}).get(fmt, fmt)
        return format_datetime(value, format=pattern, tzinfo=clock.ZONE, locale=self.formats)

    def number(self, value: float | int) -> str:
        if isinstance(value, int) and 0 <= value < 1000:
            return _small_number(self.formats, value)
        return format_decimal(value, locale=self.formats)

    def skeleton(self, value: "Day", skeleton: str) -> str:
        """A date with the fields of a CLDR skeleton, in the order and punctuation the language
        uses ("MMMd": da "5. okt.", en "5 Oct"; "yMMMM": "oktober 2026", "October 2026")."""
        day = clock.local(value).date() if isinstance(value, _datetime) else value
        return format_skeleton(skeleton, day, locale=self.formats)

    def percent(self, value: float) -> str:
        return format_percent(value, locale=self.formats)

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES[self.locale]

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale)


# A page asks for the same few hundred messages and small numbers over and over: each is made
# once per language (the catalogues never change while the process runs).
@lru_cache(maxsize=4096)
def _plain_message(locale: str, message: str) -> Markup:
    return Markup(translations(locale).gettext(message)) % {}


@lru_cache(maxsize=2048)
def _small_number(locale: str, value: int) -> str:
    return format_decimal(value, locale=locale)


def warm_up() -> None:
    """Loads the catalogues and Babel's locale data at start-up: the first date or number
    formatted in a process reads them from disk (over half a second), which would otherwise
    stall the first page and every live update waiting behind it."""
    now = clock.now()
    for locale in SUPPORTED:
        t = translator(locale)
        t.gettext("Tavle")
        t.number(1.5)
        t.date(now)
        t.datetime(now)
        t.percent(0.5)


@lru_cache
def translator(locale: str) -> Translator:
    return Translator(normalise(locale) or DEFAULT)


def set_language_cookie(response: Response, locale: str, settings: Settings) -> None:
    """Remembers the language in the browser; Secure when cookies are (public URL https)."""
    response.set_cookie(
        LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/", secure=settings.cookies_secure
    )
