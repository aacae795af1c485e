"""What a notice says, in the recipient's language: the kind of thing that waits and a link,
never what it is about. ("Du har en ny besked i Tavle", not the message; "a meeting tomorrow at
10:00", not its agenda.)"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_time

from app import clock
from app.catalogue import N_
from app.core.config import Settings
from app.core.i18n import Translator
from app.models import NoticeKind

HEADLINES: dict[str, str] = {
    NoticeKind.agreement_due: N_("You have an agreement in Tavle that is due tomorrow"),
    NoticeKind.proposal: N_("You have a proposal in Tavle that waits for your answer"),
    NoticeKind.message: N_("You have a new message in Tavle"),
}
MEETING_TODAY = N_("Reminder: you have a meeting today at %(time)s")
MEETING_TOMORROW = N_("Reminder: you have a meeting tomorrow at %(time)s")
MEETING_LATER = N_("Reminder: you have a meeting on %(date)s at %(time)s")
OPEN = N_("Open Tavle: %(url)s")
WHY = N_(
    "You get this because you chose notices from Tavle. To stop them, or to change when they come: %(url)s"
)
SETTINGS_PATH = "/notices"
DIGEST_SUBJECT = N_("Tavle: what came in since yesterday")


def base_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"


def headline(t: Translator, kind: str, *, meeting_at: datetime | None = None) -> str:
    if kind in (NoticeKind.meeting_day, NoticeKind.meeting_hour) and meeting_at is not None:
        local = clock.local(meeting_at)
        days = (local.date() - clock.today()).days
        time = format_time(local, format="short", locale=t.formats)
        if days <= 0:
            return t.gettext(MEETING_TODAY, time=time)
        if days == 1:
            return t.gettext(MEETING_TOMORROW, time=time)
        return t.gettext(MEETING_LATER, date=t.date(local.date(), "long"), time=time)
    return t.gettext(HEADLINES.get(kind, HEADLINES[NoticeKind.message]))


@dataclass(frozen=True)
class Words:
    """One notice in one language, for each channel."""

    headline: str
    url: str
    settings_url: str
    locale: str

    def email_body(self, t: Translator) -> str:
        return "\n".join(
            [
                self.headline,
                "",
                t.gettext(OPEN, url=self.url),
                "",
                "-- ",
                t.gettext(WHY, url=self.settings_url),
                "",
            ]
        )

    def sms(self) -> str:
        return f"{self.headline}: {self.url}"

    def push(self, t: Translator, tag: str) -> dict[str, Any]:
        return {
            "title": t.gettext("Tavle"),
            "body": self.headline,
            "url": self.url,
            "tag": tag,
            "lang": self.locale,
        }


def words(
    *, t: Translator, settings: Settings, kind: str, link: str, meeting_at: datetime | None = None
) -> Words:
    base = base_url(settings)
    return Words(
        headline=headline(t, kind, meeting_at=meeting_at),
        url=base + link,
        settings_url=base + SETTINGS_PATH,
        locale=t.locale,
    )


def digest_body(t: Translator, settings: Settings, counts: dict[str, int]) -> str:
    """The consultant's daily e-mail: how many of each, no names, no words from any plan."""
    lines = [t.gettext("Since yesterday in Tavle:"), ""]
    if n := counts.get(NoticeKind.message, 0):
        lines.append(
            "- "
            + t.ngettext(
                "%(num)d conversation with a new message", "%(num)d conversations with new messages", n
            )
        )
    if n := counts.get(NoticeKind.decline, 0):
        lines.append("- " + t.ngettext("%(num)d suggestion declined", "%(num)d suggestions declined", n))
    if n := counts.get(NoticeKind.rating, 0):
        lines.append("- " + t.ngettext("%(num)d low or falling rating", "%(num)d low or falling ratings", n))
    lines += ["", t.gettext(OPEN, url=base_url(settings) + SETTINGS_PATH), ""]
    return "\n".join(lines)
