"""What a person chose: their channels (a confirmed e-mail address or mobile number, Web Push
on their phones), their quiet hours, and for staff the daily digest. Everything is off until the
person chooses it; an address gets nothing but its code until the person has typed the code back.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, exists, or_
from sqlmodel import Session, col, select

from app import clock
from app.catalogue import N_
from app.core.config import Settings
from app.core.db import lock_person
from app.core.i18n import Translator
from app.core.numbers import digits
from app.core.security import digest, same
from app.core.wording import cleaned, odd_characters
from app.live.unit_of_work import unit_of_work
from app.models import Channel, NoticeAddress, NoticeSettings, PushSubscription, User
from app.models.base import utcnow
from app.models.notice import ADDRESS_MAX, ENDPOINT_MAX
from app.notices import channels
from app.notices.vapid import vapid_keys

CODE_DIGITS = 6
CODE_VALID = timedelta(minutes=15)
CODE_TRIES = 5
# A new code at most once a minute: typing an address twice must not flood its owner.
CODE_AGAIN_AFTER = timedelta(minutes=1)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_DIGITS = (8, 15)
DANISH_PREFIX = "+45"
# The browser's P-256 key is a 65-byte point, its auth secret 16 bytes (base64url).
PUSH_KEY_LENGTHS = {"p256dh": (86, 88), "auth": (22, 24)}
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+=*$")


@dataclass
class Choices:
    """One person's choices, with the defaults where they chose nothing yet."""

    settings: NoticeSettings
    email: NoticeAddress | None = None
    sms: NoticeAddress | None = None
    pushes: list[PushSubscription] = field(default_factory=list)

    def address(self, channel: Channel) -> NoticeAddress | None:
        return self.email if channel == Channel.email else self.sms

    @property
    def any_channel(self) -> bool:
        confirmed = [a for a in (self.email, self.sms) if a is not None and a.confirmed_at is not None]
        return bool(confirmed or self.pushes)


def choices_of(*, session: Session, user_id: int) -> Choices:
    chosen = session.get(NoticeSettings, user_id) or NoticeSettings(user_id=user_id)
    found = Choices(settings=chosen)
    for address in session.exec(select(NoticeAddress).where(NoticeAddress.user_id == user_id)).all():
        if address.channel == Channel.email:
            found.email = address
        else:
            found.sms = address
    found.pushes = list(
        session.exec(
            select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(col(PushSubscription.created_at))
        ).all()
    )
    return found


def with_a_channel() -> ColumnElement[bool]:
    """A condition on a user id column's owner: they confirmed an address or subscribed a phone."""
    confirmed = select(NoticeAddress.user_id).where(
        col(NoticeAddress.confirmed_at).is_not(None), NoticeAddress.user_id == User.id
    )
    pushed = select(PushSubscription.user_id).where(PushSubscription.user_id == User.id)
    return or_(exists(confirmed), exists(pushed))


def quiet_end(chosen: NoticeSettings | None, moment: datetime) -> datetime | None:
    """When the quiet hours that `moment` falls in end (aware UTC), or None when it falls in none.
    Hours are on Copenhagen's wall clock; 21:00-08:00 runs over midnight."""
    quiet = chosen.quiet if chosen else True
    start = chosen.quiet_from if chosen else NoticeSettings.model_fields["quiet_from"].default
    end = chosen.quiet_until if chosen else NoticeSettings.model_fields["quiet_until"].default
    if not quiet or start == end:
        return None
    local = clock.local(moment)
    now = local.time().replace(tzinfo=None)
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=clock.ZONE).astimezone(UTC)


def _save(session: Session, row: NoticeSettings | NoticeAddress | PushSubscription) -> None:
    """One of the person's choices, written through the one write path (a form sent twice
    changes it once)."""
    with unit_of_work(session):
        session.add(row)


def _settings_row(session: Session, user_id: int) -> NoticeSettings:
    return session.get(NoticeSettings, user_id) or NoticeSettings(user_id=user_id)


def parse_time(raw: str) -> time | None:
    """ "21:00" or "21.00" (how Danes write it) or "9", ASCII digits only."""
    text = raw.strip().replace(".", ":")
    hours, _, minutes = text.partition(":")
    if not digits(hours) or (minutes and not digits(minutes)) or len(hours) > 2 or len(minutes) > 2:
        return None
    hour, minute = int(hours), int(minutes or "0")
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def set_quiet(
    *, session: Session, user: User, quiet: bool, start: str, end: str, t: Translator
) -> dict[str, str]:
    """Saves the quiet hours; returns the errors by field (nothing is saved then)."""
    assert user.id is not None
    errors: dict[str, str] = {}
    begins, ends = parse_time(start), parse_time(end)
    if quiet:
        if begins is None:
            errors["quiet_from"] = t.gettext("Write a time like 21:00.")
        if ends is None:
            errors["quiet_until"] = t.gettext("Write a time like 08:00.")
        if begins is not None and begins == ends:
            errors["quiet_until"] = t.gettext("The quiet hours must end at another time than they begin.")
    if errors:
        return errors
    row = _settings_row(session, user.id)
    row.quiet = quiet
    if begins is not None and ends is not None:
        row.quiet_from, row.quiet_until = begins, ends
    row.updated_at = utcnow()
    _save(session, row)
    return {}


def set_digest(*, session: Session, user: User, on: bool) -> None:
    assert user.id is not None
    row = _settings_row(session, user.id)
    row.digest = on
    row.updated_at = utcnow()
    _save(session, row)


# --- Addresses confirmed with a code --------------------------------------------------------


def normalised_address(channel: Channel, raw: str, t: Translator) -> tuple[str, str | None]:
    """The address as kept, and an error in the person's language (None when it is fine)."""
    text = cleaned(raw)
    if channel == Channel.email:
        if odd_characters(text) or not EMAIL.match(text) or len(text) > ADDRESS_MAX:
            return text, t.gettext("Write an e-mail address like name@example.dk.")
        local, _, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}", None
    compact = re.sub(r"[\s\-().]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    number = compact.removeprefix("+")
    low, high = PHONE_DIGITS
    if not digits(number) or not low <= len(number) <= high:
        return text, t.gettext("Write a mobile number like 12 34 56 78 (or +45 12 34 56 78).")
    if not compact.startswith("+"):
        if len(number) != low:
            return text, t.gettext("Write a mobile number like 12 34 56 78 (or +45 12 34 56 78).")
        compact = DANISH_PREFIX + number
    return compact, None


def _code_digest(user_id: int, channel: Channel, code: str) -> str:
    return digest(f"notice-code:{user_id}:{channel}:{code}")


CODE_SUBJECT = N_("Your code for Tavle")
CODE_TEXT = N_(
    "Your code is %(code)s. Type it in Tavle to get notices here. If you did not ask for it, "
    "you can ignore this message."
)


def start_address(
    *, session: Session, settings: Settings, user: User, channel: Channel, raw: str, t: Translator
) -> str | None:
    """Sends a code to the address the person typed, and keeps the address, not yet confirmed.
    Returns an error in their language, or None when the code is on its way."""
    assert user.id is not None
    address, error = normalised_address(channel, raw, t)
    if error:
        return error
    row = session.exec(
        select(NoticeAddress).where(NoticeAddress.user_id == user.id, NoticeAddress.channel == channel)
    ).first()
    now = utcnow()
    if row is not None and row.code_sent_at is not None and now - row.code_sent_at < CODE_AGAIN_AFTER:
        return t.gettext("We sent a code less than a minute ago. Wait a moment, then try again.")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    text = t.gettext(CODE_TEXT, code=code)
    # Sent before anything is written: a failure leaves the choices as they were.
    try:
        if channel == Channel.email:
            mail = channels.Mail(
                to=address, subject=t.gettext(CODE_SUBJECT), body=text + "\n", locale=t.locale
            )
            channels.send_email(settings=settings, mail=mail)
        else:
            channels.send_sms(settings=settings, to=address, text=text)
    except channels.NotDelivered:
        return t.gettext("We could not send a code there. Check the address and try again.")
    row = row or NoticeAddress(user_id=user.id, channel=channel, address=address)
    row.address = address
    row.confirmed_at = None
    row.code_digest = _code_digest(user.id, channel, code)
    row.code_sent_at = now
    row.code_attempts = 0
    _save(session, row)
    return None


def confirm_address(
    *, session: Session, user: User, channel: Channel, code: str, t: Translator
) -> str | None:
    """The person typed the code: the address is confirmed, and notices may go there."""
    assert user.id is not None
    # The tries are counted under the person's own lock: codes typed at once (a script guessing)
    # get no more than CODE_TRIES checks between them.
    lock_person(session, user.id)
    row = session.exec(
        select(NoticeAddress)
        .where(NoticeAddress.user_id == user.id, NoticeAddress.channel == channel)
        .execution_options(populate_existing=True)
    ).first()
    if row is None or row.code_digest is None or row.code_sent_at is None:
        session.rollback()
        return t.gettext("Ask for a code first.")
    typed = "".join(code.split())
    if utcnow() - row.code_sent_at > CODE_VALID or row.code_attempts >= CODE_TRIES:
        session.rollback()
        return t.gettext("The code has expired. Ask for a new one.")
    if not (digits(typed) and same(row.code_digest, _code_digest(user.id, channel, typed))):
        row.code_attempts += 1
        _save(session, row)
        return t.gettext("That code is not right. Type the 6 digits we sent.")
    row.confirmed_at = utcnow()
    row.code_digest = None
    row.code_attempts = 0
    _save(session, row)
    return None


def remove_address(*, session: Session, user: User, channel: Channel) -> None:
    with unit_of_work(session):
        session.execute(
            delete(NoticeAddress).where(
                col(NoticeAddress.user_id) == user.id, col(NoticeAddress.channel) == channel
            )
        )


# --- Web Push --------------------------------------------------------------------------------


def push_offered(settings: Settings) -> bool:
    return vapid_keys(settings) is not None


def subscribe(
    *, session: Session, settings: Settings, user: User, endpoint: str, p256dh: str, auth: str
) -> bool:
    """Keeps the phone's subscription (the same endpoint again replaces its keys). False when it
    is not a subscription a push service would have made."""
    assert user.id is not None
    if (
        not _push_endpoint(settings, endpoint)
        or not _push_key(p256dh, "p256dh")
        or not _push_key(auth, "auth")
    ):
        return False
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if row is None:
        row = PushSubscription(user_id=user.id, endpoint=endpoint, public_key=p256dh, auth_secret=auth)
    # A phone handed to someone else subscribes again under its new owner.
    row.user_id, row.public_key, row.auth_secret = user.id, p256dh, auth
    _save(session, row)
    return True


def unsubscribe(*, session: Session, user: User, endpoint: str | None = None) -> None:
    """Forgets one phone's subscription, or (no endpoint) every one of the person's."""
    statement = delete(PushSubscription).where(col(PushSubscription.user_id) == user.id)
    if endpoint is not None:
        statement = statement.where(col(PushSubscription.endpoint) == endpoint)
    with unit_of_work(session):
        session.execute(statement)


def _push_endpoint(settings: Settings, endpoint: str) -> bool:
    """An https address of a push service. (Plain http only outside production, where a test's
    own push service listens on this machine.)"""
    if not endpoint or len(endpoint) > ENDPOINT_MAX or odd_characters(endpoint):
        return False
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return True
    return not settings.is_production and parts.scheme == "http" and parts.hostname is not None


def _push_key(value: str, name: str) -> bool:
    low, high = PUSH_KEY_LENGTHS[name]
    return low <= len(value) <= high and BASE64URL.match(value) is not None
