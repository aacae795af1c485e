"""Conversations between meetings: write a message, read a thread, mark it read.

A message is written through the board's one write path (`board_change`, kind "message"): the
board's version rises, whoever the request let in is asked again under the board's lock (and,
for a network member, whether the card is still shared with them), and the change is published
to every open view of the board, its threads, and the consultants' caseloads. Marking a thread
read is a unit of work of its own, published as "seen" so the writer's open view says so."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app import clock
from app.access.rules import consultants_of, may_take_part
from app.board.changes import board_change
from app.catalogue import N_
from app.catalogue.sensitive import Mention, mentions
from app.core.i18n import Translator
from app.core.refusals import NotVisible
from app.core.wording import check
from app.live.hub import Event, board_channel, caseload_channel
from app.live.unit_of_work import unit_of_work
from app.models import Agreement, Message, NetworkLink, Role, Thread, ThreadRead, User
from app.models.base import utcnow
from app.models.conversation import CITIZEN_SIDE, CONSULTANT_SIDE, MESSAGE_MAX, side_of
from app.notices.outbox import message_read, message_waiting

CONSULTANT = CONSULTANT_SIDE
CITIZEN = CITIZEN_SIDE
SEEN = "seen"
EMPTY = N_("Write a message before you send it.")


def side(user: User) -> str:
    return side_of(user.role)


def thread_key(*, citizen_id: int, agreement_id: int | None) -> str:
    """The thread's one name, also the notices' (`app.notices.outbox.message_waiting`)."""
    return f"agreement:{agreement_id}" if agreement_id is not None else f"citizen:{citizen_id}"


def thread_path(*, citizen_id: int, agreement_id: int | None) -> str:
    base = f"/citizens/{citizen_id}"
    return f"{base}/agreements/{agreement_id}/messages" if agreement_id is not None else f"{base}/messages"


@dataclass
class MessageForm:
    """What was typed, kept when it is refused."""

    body: str = ""
    waiting: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def validate(*, form: MessageForm, t: Translator) -> str | None:
    """The cleaned text, or None with `form.errors` filled (the free-text rule of every form)."""
    checked = check(form.body, limit=MESSAGE_MAX, t=t, empty_message=EMPTY, multiline=True)
    if checked.error:
        form.errors["body"] = checked.error
        return None
    return checked.text


def ask_before_sending(*, agreement: Agreement | None, author: User, body: str) -> list[Mention]:
    """What in a message the writer is asked about first: on a card shared with the network,
    the network reads the thread, so words about health, addiction, debt or a criminal record
    are sent only when the writer says so (a member of the network is not asked)."""
    if agreement is None or not agreement.shared or author.role == Role.network:
        return []
    return mentions(body)


def find_agreement(*, session: Session, citizen_id: int, agreement_id: int) -> Agreement | None:
    """The citizen's own card (not deleted), else None: a thread is never reached through another
    citizen's card id."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.citizen_id != citizen_id or agreement.deleted_at is not None:
        return None
    return agreement


def write(
    *,
    session: Session,
    citizen: User,
    author: User,
    agreement_id: int | None,
    body: str,
    waiting: bool,
) -> Message:
    """Adds the message; tells everyone else who takes part (notices) and the consultants'
    caseload views. Raises NotVisible when the author may no longer take part."""
    assert citizen.id is not None and author.id is not None
    cid = citizen.id
    with board_change(
        session, citizen_id=cid, kind="message", action="written", actor_id=author.id, item_id=agreement_id
    ) as change:
        # Read under the lock: a card unshared or deleted a moment ago holds.
        agreement = (
            session.exec(
                select(Agreement)
                .where(Agreement.id == agreement_id)
                .execution_options(populate_existing=True)
            ).first()
            if agreement_id is not None
            else None
        )
        if agreement_id is not None and agreement is None:
            raise NotVisible(cid)
        if not may_take_part(session=session, user=author, citizen_id=cid, agreement=agreement):
            raise NotVisible(cid)
        thread = _thread(session, cid, agreement_id)
        assert thread.id is not None
        message = Message(
            thread_id=thread.id, author_id=author.id, body=body, waiting=waiting, created_at=change.at
        )
        session.add(message)
        thread.messages += 1
        thread.last_message_at = change.at
        mine = side(author)
        if waiting:
            thread.waiting_for = CITIZEN if mine == CONSULTANT else CONSULTANT
        elif thread.waiting_for == mine:
            # An answer from the side that was waited for.
            thread.waiting_for = None
        session.add(thread)
        session.flush()
        assert message.id is not None
        _read_up_to(session, thread_id=thread.id, user_id=author.id, message_id=message.id)
        link = thread_path(citizen_id=cid, agreement_id=agreement_id)
        for person in participants(session=session, citizen=citizen, agreement=agreement):
            if person.id is not None and person.id != author.id:
                message_waiting(
                    session=session, recipient_id=person.id, thread=thread.key, link=link, citizen_id=cid
                )
        for consultant in consultants_of(session=session, citizen_id=cid):
            assert consultant.id is not None
            # No content: each caseload view reads again for its own viewer.
            change.publish(
                Event(
                    channel=caseload_channel(consultant.id),
                    version=0,
                    kind="message",
                    item_id=cid,
                    actor_id=author.id,
                )
            )
    return message


def network_of(*, session: Session, citizen_id: int) -> list[User]:
    """The members of the citizen's network with an account, by name."""
    return list(
        session.exec(
            select(User)
            .join(NetworkLink, col(NetworkLink.member_id) == col(User.id))
            .where(NetworkLink.citizen_id == citizen_id)
            .order_by(col(User.name), col(User.id))
        ).all()
    )


def name_member(
    *, session: Session, citizen: User, actor: User, agreement_id: int, member_id: int | None
) -> None:
    """The citizen chooses which member of their network the card names (None: nobody), and so
    who takes part in its thread while the card is shared. Only the citizen; only their own
    network's members (else NotVisible). A member no longer named has their open thread closed
    by the agreement event this publishes."""
    assert citizen.id is not None
    if actor.id != citizen.id:
        raise NotVisible(citizen.id)
    cid = citizen.id
    with board_change(session, citizen_id=cid, kind="agreement", actor_id=actor.id, item_id=agreement_id):
        agreement = find_agreement(session=session, citizen_id=cid, agreement_id=agreement_id)
        if agreement is None:
            raise NotVisible(cid)
        if member_id is not None and member_id not in {
            m.id for m in network_of(session=session, citizen_id=cid)
        }:
            raise NotVisible(cid)
        agreement.who_user_id = member_id
        agreement.updated_by_id = actor.id
        agreement.updated_at = utcnow()
        session.add(agreement)


def participants(*, session: Session, citizen: User, agreement: Agreement | None) -> list[User]:
    """Everyone who may take part in the thread now: the citizen, the consultants who see the
    plan, and on a card shared with the network the member it names."""
    assert citizen.id is not None
    cid = citizen.id
    people = [citizen, *consultants_of(session=session, citizen_id=cid)]
    if agreement is not None and agreement.who_user_id is not None:
        people += [m for m in network_of(session=session, citizen_id=cid) if m.id == agreement.who_user_id]
    return [p for p in people if may_take_part(session=session, user=p, citizen_id=cid, agreement=agreement)]


def _thread(session: Session, citizen_id: int, agreement_id: int | None) -> Thread:
    """The thread, made on its first message (the board's lock is held: no one else makes it)."""
    key = thread_key(citizen_id=citizen_id, agreement_id=agreement_id)
    thread = session.exec(select(Thread).where(Thread.key == key)).first()
    if thread is None:
        thread = Thread(citizen_id=citizen_id, agreement_id=agreement_id, key=key)
        session.add(thread)
        session.flush()
    return thread


def _read_up_to(session: Session, *, thread_id: int, user_id: int, message_id: int) -> bool:
    """Moves the reader's mark forward (never back, also with two tabs at once); True when it
    moved."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ThreadRead).values(
        thread_id=thread_id, user_id=user_id, last_message_id=message_id, read_at=utcnow()
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[col(ThreadRead.thread_id), col(ThreadRead.user_id)],
        set_={"last_message_id": statement.excluded.last_message_id, "read_at": statement.excluded.read_at},
        where=col(ThreadRead.last_message_id) < statement.excluded.last_message_id,
    ).returning(col(ThreadRead.thread_id))
    return session.execute(upsert).first() is not None


def mark_read(*, session: Session, conversation: "Conversation", reader: User) -> None:
    """The reader has the thread open: everything in it is read by them now. Published as "seen",
    so the writer's open view says "Seen by …"; a notice about it still waiting is not sent."""
    thread = conversation.thread
    if thread is None or not conversation.messages or reader.id is None or thread.id is None:
        return
    last = conversation.messages[-1].id
    if conversation.read_by(reader.id) >= last:
        return
    with unit_of_work(session) as work:
        if _read_up_to(session, thread_id=thread.id, user_id=reader.id, message_id=last):
            message_read(session=session, recipient_id=reader.id, thread=thread.key)
            work.publish(
                Event(
                    channel=board_channel(thread.citizen_id),
                    version=0,
                    kind=SEEN,
                    item_id=thread.agreement_id,
                    actor_id=reader.id,
                )
            )


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """One message as a thread shows it."""

    id: int
    author_id: int | None
    author: str
    body: str
    waiting: bool
    at: datetime


@dataclass(frozen=True)
class Seen:
    name: str
    at: datetime


@dataclass
class Conversation:
    """A thread as one viewer sees it (everyone who takes part sees the same messages)."""

    citizen: User
    agreement: Agreement | None
    viewer: User
    thread: Thread | None
    messages: list[Said]
    reads: list[ThreadRead]
    names: dict[int, str]

    @property
    def path(self) -> str:
        assert self.citizen.id is not None
        return thread_path(
            citizen_id=self.citizen.id, agreement_id=self.agreement.id if self.agreement else None
        )

    @property
    def waiting_for_me(self) -> bool:
        return self.thread is not None and self.thread.waiting_for == side(self.viewer) and self._answers

    @property
    def waiting_for_others(self) -> bool:
        return self.thread is not None and self.thread.waiting_for not in (None, side(self.viewer))

    @property
    def _answers(self) -> bool:
        """A network member reads along; the citizen and the consultant are the ones asked."""
        return self.viewer.role in (Role.citizen, Role.consultant)

    def read_by(self, user_id: int) -> int:
        return next((r.last_message_id for r in self.reads if r.user_id == user_id), 0)

    @property
    def last_mine(self) -> int | None:
        """The viewer's own latest message: the one "Seen by …" is told under."""
        return next((m.id for m in reversed(self.messages) if m.author_id == self.viewer.id), None)

    def seen(self) -> list[Seen]:
        """Who else has read the viewer's latest message, and when (first reader first)."""
        last = self.last_mine
        if last is None:
            return []
        return [
            Seen(name=self.names.get(r.user_id, ""), at=r.read_at)
            for r in sorted(self.reads, key=lambda r: r.read_at)
            if r.last_message_id >= last and r.user_id != self.viewer.id
        ]

    def mine(self, said: Said) -> bool:
        return said.author_id == self.viewer.id


def load(*, session: Session, citizen: User, agreement: Agreement | None, viewer: User) -> Conversation:
    """The thread with its messages, oldest first (access is checked before)."""
    assert citizen.id is not None
    key = thread_key(citizen_id=citizen.id, agreement_id=agreement.id if agreement else None)
    thread = session.exec(select(Thread).where(Thread.key == key)).first()
    rows: list[Message] = []
    reads: list[ThreadRead] = []
    if thread is not None:
        rows = list(
            session.exec(
                select(Message).where(Message.thread_id == thread.id).order_by(col(Message.id))
            ).all()
        )
        reads = list(session.exec(select(ThreadRead).where(ThreadRead.thread_id == thread.id)).all())
    names = _names(session, {m.author_id for m in rows if m.author_id} | {r.user_id for r in reads})
    messages = [
        Said(
            id=m.id or 0,
            author_id=m.author_id,
            author=names.get(m.author_id or 0, ""),
            body=m.body,
            waiting=m.waiting,
            at=m.created_at,
        )
        for m in rows
    ]
    return Conversation(
        citizen=citizen,
        agreement=agreement,
        viewer=viewer,
        thread=thread,
        messages=messages,
        reads=reads,
        names=names,
    )


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u.name for u in users if u.id is not None}


def seen_at_text(at: datetime, t: Translator) -> str:
    """Today only the time ("10:14"), before it the date too ("6 Dec 2026, 10:14"): Copenhagen
    time, in the reader's language."""
    if clock.local(at).date() == clock.today():
        return t.time(at)
    return t.datetime(at, "short")


def waiting_counts(*, session: Session, citizen_ids: list[int]) -> dict[int, int]:
    """Per citizen, how many of their threads wait for the consultant's answer. The caller
    passes only citizens whose plan the consultant sees; a deleted card's thread waits no more."""
    if not citizen_ids:
        return {}
    rows = session.exec(
        select(Thread.citizen_id)
        .outerjoin(Agreement, col(Agreement.id) == col(Thread.agreement_id))
        .where(
            col(Thread.citizen_id).in_(citizen_ids),
            Thread.waiting_for == CONSULTANT,
            col(Agreement.deleted_at).is_(None),
        )
    ).all()
    counts: dict[int, int] = {}
    for cid in rows:
        counts[cid] = counts.get(cid, 0) + 1
    return counts
