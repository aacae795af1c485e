"""The conversation pages: the citizen's general thread, and the thread on each agreement.

Plain forms: a message is POSTed and the answer is a 303 back to the thread (or the form again,
with what was typed and what to change). The page follows the thread live (`stream.py`)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session

from app.access.rules import NotVisible, visible_thread
from app.catalogue.sensitive import TOPIC_NAMES
from app.conversation import service
from app.conversation.service import Conversation, MessageForm
from app.core.i18n import Translator
from app.core.numbers import whole
from app.core.rendering import render
from app.core.web import Web, see_other
from app.deps import SessionDep, SignedInWebDep
from app.models import Agreement, User
from app.models.conversation import MESSAGE_MAX

router = APIRouter(tags=["conversation"])

TEMPLATE = "conversation.html"
Text = Annotated[str, Form()]


def open_thread(
    *, session: Session, user: User, citizen_id: int, agreement_id: int | None
) -> tuple[User, Agreement | None]:
    """The citizen and the card whose thread `user` may take part in; NotVisible (404) for
    anything else: another citizen's card id, a card not shared with this member, no consent."""
    agreement = None
    if agreement_id is not None:
        agreement = service.find_agreement(session=session, citizen_id=citizen_id, agreement_id=agreement_id)
        if agreement is None:
            raise NotVisible(citizen_id)
    citizen = visible_thread(session=session, user=user, citizen_id=citizen_id, agreement=agreement)
    return citizen, agreement


def thread_context(conversation: Conversation, **extra: Any) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "c": conversation,
        "seen_at_text": service.seen_at_text,
        "message_max": MESSAGE_MAX,
        # The sensitive-word guard's question, when it is asked (a card shared with the network).
        "guard": [],
        **extra,
    }


def render_messages(conversation: Conversation, translator: Translator, **context: Any) -> str:
    """The thread's messages as an out-of-band part, for a live update."""
    return render(TEMPLATE, thread_context(conversation, oob=True, **context), translator, block="messages")


def _page(
    web: Web,
    session: Session,
    citizen_id: int,
    agreement_id: int | None,
    sent: str = "",
) -> Response:
    user = web.user
    assert user is not None
    citizen, agreement = open_thread(
        session=session, user=user, citizen_id=citizen_id, agreement_id=agreement_id
    )
    conversation = service.load(session=session, citizen=citizen, agreement=agreement, viewer=user)
    service.mark_read(session=session, conversation=conversation, reader=user)
    return web.page(
        TEMPLATE,
        **thread_context(
            conversation, form=MessageForm(), sent=sent == "yes", **_network(session, conversation)
        ),
    )


def _network(session: Session, conversation: Conversation) -> dict[str, Any]:
    """On a card's thread, the citizen may choose who in their network takes part."""
    if conversation.agreement is None or conversation.viewer.id != conversation.citizen.id:
        return {"network": []}
    assert conversation.citizen.id is not None
    return {"network": service.network_of(session=session, citizen_id=conversation.citizen.id)}


def _post(
    web: Web,
    session: Session,
    citizen_id: int,
    agreement_id: int | None,
    body: str,
    waiting: str,
    check: str = "",
    sensitive: str = "",
) -> Response:
    """`check`: the consultant asked to see the message's readability first (nothing is sent);
    `sensitive`: "send" when the writer was asked about sensitive words and still sends."""
    user = web.user
    assert user is not None
    citizen, agreement = open_thread(
        session=session, user=user, citizen_id=citizen_id, agreement_id=agreement_id
    )
    form = MessageForm(body=body, waiting=waiting == "yes")
    text = service.validate(form=form, t=web.translator)
    guard = [] if text is None else service.ask_before_sending(agreement=agreement, author=user, body=text)
    if text is None or check or (guard and sensitive != "send"):
        conversation = service.load(session=session, citizen=citizen, agreement=agreement, viewer=user)
        status = 400 if text is None else 200
        context = thread_context(
            conversation, form=form, guard=[] if check else guard, topic_names=TOPIC_NAMES
        )
        return web.page(TEMPLATE, status_code=status, **context)
    message = service.write(
        session=session,
        citizen=citizen,
        author=user,
        agreement_id=agreement.id if agreement else None,
        body=text,
        waiting=form.waiting,
    )
    path = service.thread_path(citizen_id=citizen_id, agreement_id=agreement_id)
    return see_other(f"{path}?sent=yes#message-{message.id}")


@router.get("/citizens/{citizen_id}/messages")
def general_thread(citizen_id: int, web: SignedInWebDep, session: SessionDep, sent: str = "") -> Response:
    return _page(web, session, citizen_id, None, sent)


@router.post("/citizens/{citizen_id}/messages")
def write_general(
    citizen_id: int,
    web: SignedInWebDep,
    session: SessionDep,
    body: Text = "",
    waiting: Text = "",
    check: Text = "",
) -> Response:
    return _post(web, session, citizen_id, None, body, waiting, check)


@router.get("/citizens/{citizen_id}/agreements/{agreement_id}/messages")
def agreement_thread(
    citizen_id: int, agreement_id: int, web: SignedInWebDep, session: SessionDep, sent: str = ""
) -> Response:
    return _page(web, session, citizen_id, agreement_id, sent)


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/messages")
def write_on_agreement(
    citizen_id: int,
    agreement_id: int,
    web: SignedInWebDep,
    session: SessionDep,
    body: Text = "",
    waiting: Text = "",
    check: Text = "",
    sensitive: Text = "",
) -> Response:
    return _post(web, session, citizen_id, agreement_id, body, waiting, check, sensitive)


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/messages/member")
def choose_member(
    citizen_id: int, agreement_id: int, web: SignedInWebDep, session: SessionDep, member: Text = ""
) -> Response:
    """The citizen's choice of who in their network the card names: `member` is their id, or
    empty for nobody. Anyone else, or a person outside the citizen's network, gets 404."""
    user = web.user
    citizen, agreement = open_thread(
        session=session, user=user, citizen_id=citizen_id, agreement_id=agreement_id
    )
    assert agreement is not None and agreement.id is not None
    member_id = whole(member) if member.strip() else None
    if member.strip() and member_id is None:
        raise NotVisible(citizen_id)
    service.name_member(
        session=session, citizen=citizen, actor=user, agreement_id=agreement.id, member_id=member_id
    )
    return see_other(service.thread_path(citizen_id=citizen_id, agreement_id=agreement_id) + "#thread-member")
