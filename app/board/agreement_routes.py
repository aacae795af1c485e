"""Agreement cards: propose, accept, change the wording, move, delete, and undo.

Every form works without JavaScript (POST, then 303 back to the board). From the board page htmx
sends the same forms and gets back only what changed, rendered for this viewer."""

from collections.abc import Iterable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.access.rules import NotVisible, visible_citizen
from app.board import agreements as service
from app.board.agreements import (
    STATUS_NAMES,
    AgreementForm,
    AskFirst,
    EditConflict,
    ImpossibleMove,
    MoveConflict,
    NotTheCitizen,
    UndoGone,
)
from app.board.read import PARTS, Card, load_board, parts_for
from app.board.routes import (
    BOARD_TEMPLATE,
    MOVED_BEFORE_YOU,
    UNDO_GONE,
    board_context,
    moved_by_other,
    update_response,
)
from app.board.view import MEETING_REGIONS, BoardView, last_look, may_change
from app.catalogue.sensitive import TOPIC_NAMES, Mention
from app.core.numbers import whole
from app.core.web import Web, see_other, wants_fragment
from app.deps import CurrentUser, SessionDep, WebDep
from app.models import Agreement, BoardUndo, User

router = APIRouter(tags=["agreements"])

Text = Annotated[str, Form()]


def _citizen(session: Session, user: User, citizen_id: int) -> User:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    if not may_change(user):
        raise NotVisible(citizen_id)
    return citizen


def _view(session: Session, citizen: User, user: User, regions: Iterable[str] | None = None) -> BoardView:
    """The board as `user` sees it: whole, or only the parts `regions` show."""
    assert user.id is not None and citizen.id is not None
    parts = PARTS if regions is None else parts_for(regions)
    look = last_look(session=session, viewer_id=user.id, citizen_id=citizen.id)
    return BoardView(
        data=load_board(session=session, citizen_id=citizen.id, parts=parts),
        viewer=user,
        seen_at=look.since,
        opened_at=look.opened,
    )


def _on_this_screen(web: Web, user: User, regions: set[str]) -> set[str]:
    """The meeting screen shows the agenda too: a change made there (a card on the agenda moved
    to done) redraws it in the answer, since its own stream leaves out what it made itself."""
    page = urlsplit(web.request.headers.get("HX-Current-URL", "")).path
    return regions | MEETING_REGIONS if page.endswith("/meeting") and may_change(user) else regions


def _revision(raw: str) -> int:
    """The version of the wording the form was opened on; -1 (no version) when it is no number."""
    number = whole(raw)
    return -1 if number is None else number


def _board_url(citizen: User, anchor: str = "", undo_id: int | None = None) -> str:
    query = f"?undo={undo_id}" if undo_id else ""
    return f"/citizens/{citizen.id}/board{query}{'#' + anchor if anchor else ''}"


def _changed(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    agreement: Agreement | Card,
    announcement: str,
    regions: set[str],
    undo: BoardUndo | None = None,
    focus_card: bool = True,
) -> Response:
    """After a card changed: plain forms go back to the board at the card; htmx gets the changed
    regions, the announcement, and focus on the card."""
    anchor = f"agreement-{agreement.id}"
    regions = _on_this_screen(web, user, regions)
    if not wants_fragment(web.request):
        return see_other(_board_url(citizen, anchor, undo.id if undo else None))
    return update_response(
        web,
        view=_view(session, citizen, user, regions),
        regions=regions,
        announcement=announcement,
        focus=f"#{anchor}" if focus_card else "",
        undo=undo,
    )


@router.post("/citizens/{citizen_id}/agreements")
def create(
    citizen_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    what: Text = "",
    who: Text = "citizen",
    who_name: Text = "",
    due_on: Text = "",
    goal_id: Text = "",
    shared: Text = "",
    check: Text = "",
    sensitive: Text = "",
) -> Response:
    """`check`: the consultant asked to see the wording's readability first; nothing is saved.
    `sensitive`: the citizen's answer when asked whether a card with sensitive words should be
    shared ("share" or "private"); until she answers, it is not saved."""
    citizen = _citizen(session, user, citizen_id)
    form = AgreementForm(
        what=what,
        who=who,
        who_name=who_name,
        due_on=due_on,
        goal_id=goal_id,
        shared=shared == "yes" and sensitive != "private",
    )
    if check:
        view = _view(session, citizen, user)
        if wants_fragment(web.request):
            return update_response(
                web, view=view, regions={"new_agreement"}, form=form, open_form=True, focus="#new-what"
            )
        return web.page(BOARD_TEMPLATE, **board_context(view, form=form, open_form=True))
    wording = service.validate(session=session, citizen=citizen, form=form, t=web.translator)
    if wording is None:
        view = _view(session, citizen, user)
        if wants_fragment(web.request):
            return update_response(
                web,
                view=view,
                regions={"new_agreement"},
                announcement=web.gettext("Please check the form."),
                status_code=400,
                form=form,
                open_form=True,
                # The first field in error, as after a refused plain form (static/forms.js).
                focus='#agreement-new [aria-invalid="true"]',
            )
        return web.page(
            BOARD_TEMPLATE,
            status_code=400,
            page_url=f"/citizens/{citizen_id}/board",
            **board_context(view, form=form, open_form=True),
        )
    asks = form.shared and user.id == citizen.id
    found = service.sensitive(what=wording.what, who_name=wording.who_name) if asks else []
    if found and sensitive != "share":
        return _ask_first(web, session, citizen, user, form, found)
    agreement = service.propose(
        session=session,
        citizen=citizen,
        actor=user,
        wording=wording,
        shared=form.shared,
        asked=sensitive == "share",
    )
    message = web.gettext("The agreement is proposed. It is agreed when the other side accepts it.")
    return _changed(web, session, citizen, user, agreement, message, {"columns", "new_agreement"})


def _ask_first(
    web: Web, session: Session, citizen: User, user: User, form: AgreementForm, found: list[Mention]
) -> Response:
    """The new card is to be shared and its words are sensitive: the form comes back, as typed,
    with the question. Nothing is saved until the citizen answers."""
    view = _view(session, citizen, user)
    question = web.gettext("Before you share: your network can read this agreement.")
    if wants_fragment(web.request):
        return update_response(
            web,
            view=view,
            regions={"new_agreement"},
            announcement=question,
            form=form,
            open_form=True,
            guard=found,
            focus="#new-guard",
        )
    return web.page(BOARD_TEMPLATE, **board_context(view, form=form, open_form=True, guard=found))


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/accept")
def accept(
    citizen_id: int,
    agreement_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    revision: Text = "",
) -> Response:
    """`revision`: the wording the person read; if it changed meanwhile, they see the new one."""
    citizen = _citizen(session, user, citizen_id)
    try:
        agreement = service.accept(
            session=session,
            citizen=citizen,
            actor=user,
            agreement_id=agreement_id,
            # Sent, but no number: no wording anyone read, so it cannot be accepted.
            revision=_revision(revision) if revision.strip() else None,
        )
    except EditConflict:
        message = web.gettext("The wording changed while you read it. Read it again before you accept.")
        return _refused(web, session, citizen, user, message, status_code=409)
    message = (
        web.gettext("You accepted it. It is now agreed.")
        if agreement.agreed
        else web.gettext("You accepted it.")
    )
    return _changed(web, session, citizen, user, agreement, message, {"columns"})


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/share")
def share(
    citizen_id: int,
    agreement_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    shared: Text = "",
    asked_at: Text = "",
) -> Response:
    """The citizen's choice: "shared with my network" (`shared=yes`) or "between me and my
    consultant" (anything else). Nobody else may change it. `asked_at`: the wording's version
    she was asked about, when its words are sensitive (the page below asks)."""
    citizen = _citizen(session, user, citizen_id)
    try:
        agreement = service.set_shared(
            session=session,
            citizen=citizen,
            actor=user,
            agreement_id=agreement_id,
            shared=shared == "yes",
            asked_at=whole(asked_at),
        )
    except NotTheCitizen:
        return _refused(
            web, session, citizen, user, web.gettext("Only the citizen decides what the network sees."), 403
        )
    except AskFirst:
        ask = f"/citizens/{citizen.id}/agreements/{agreement_id}/share"
        if wants_fragment(web.request):
            return Response(status_code=200, headers={"HX-Redirect": ask})
        return see_other(ask)
    message = (
        web.gettext("Shared with your network.")
        if agreement.shared
        else web.gettext("Now only between you and your consultant.")
    )
    return _changed(web, session, citizen, user, agreement, message, {"columns"})


@router.get("/citizens/{citizen_id}/agreements/{agreement_id}/share")
def ask_before_sharing(
    citizen_id: int, agreement_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    """The question before a card with sensitive words is shared: what it mentions, and that
    the network will read it. Only the citizen shares, so only she is asked."""
    citizen = _citizen(session, user, citizen_id)
    if user.id != citizen.id:
        raise NotVisible(agreement_id)
    agreement = service.get_agreement(session=session, citizen=citizen, agreement_id=agreement_id)
    return web.page(
        "board_share_ask.html",
        citizen=citizen,
        agreement=agreement,
        found=service.sensitive(what=agreement.what, who_name=agreement.who_name),
        topic_names=TOPIC_NAMES,
    )


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/move")
def move(
    citizen_id: int,
    agreement_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    to: Text = "",
    status: Text = "",
    position: Text = "",
    via: Text = "",
    from_status: Text = "",
    from_position: Text = "",
) -> Response:
    """`to` (a button: a column, "up" or "down"), or `status` and `position` (a drag);
    `from_status` and `from_position`: where the person saw the card."""
    citizen = _citizen(session, user, citizen_id)
    seen_place = whole(from_position)
    seen = (from_status, seen_place) if from_status and seen_place is not None else None
    try:
        if from_status and seen is None:
            # Where the person saw the card, in words no number: not a move anyone can check.
            raise ImpossibleMove(agreement_id)
        moved = service.move(
            session=session,
            citizen=citizen,
            actor=user,
            agreement_id=agreement_id,
            to=to,
            status=status,
            position=position,
            seen=seen,
        )
    except ImpossibleMove:
        return _refused(web, session, citizen, user, web.gettext("That move is not possible. Try again."))
    except MoveConflict as conflict:
        view = _view(session, citizen, user)
        card = view.find(conflict.current.id) or conflict.current
        message = moved_by_other(view, card, MOVED_BEFORE_YOU, web.translator)
        return _refused(
            web, session, citizen, user, message, status_code=409, view=view, why={card.id: message}
        )
    column = web.gettext(STATUS_NAMES[moved.card.status])
    message = web.gettext("Moved to %(column)s.", column=column)
    if moved.undo:
        message += " " + web.gettext("You can undo it.")
    # A dragged card stays under the finger; a button move keeps focus on the card.
    return _changed(
        web,
        session,
        citizen,
        user,
        moved.card,
        message,
        {"columns", "undo"},
        undo=moved.undo,
        focus_card=via != "drag",
    )


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}/delete")
def remove(
    citizen_id: int, agreement_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen = _citizen(session, user, citizen_id)
    undo = service.remove(session=session, citizen=citizen, actor=user, agreement_id=agreement_id)
    if not wants_fragment(web.request):
        return see_other(_board_url(citizen, "board-undo", undo.id))
    return update_response(
        web,
        view=_view(session, citizen, user, {"columns", "undo"}),
        regions={"columns", "undo"},
        announcement=web.gettext("The agreement was deleted.") + " " + web.gettext("You can undo it."),
        focus="#board-undo-button",
        undo=undo,
    )


@router.post("/citizens/{citizen_id}/board/undo/{undo_id}")
def undo(citizen_id: int, undo_id: int, web: WebDep, session: SessionDep, user: CurrentUser) -> Response:
    citizen = _citizen(session, user, citizen_id)
    try:
        agreement = service.undo(session=session, citizen=citizen, actor=user, undo_id=undo_id)
    except UndoGone:
        # An undo button left on a screen is not a mistake of the person who taps it: they are
        # told why nothing happened, and the button goes.
        if not wants_fragment(web.request):
            return see_other(f"/citizens/{citizen.id}/board?notice=undo_gone#board-live")
        return update_response(
            web,
            view=_view(session, citizen, user, {"columns", "undo"}),
            regions={"columns", "undo"},
            announcement=web.gettext(UNDO_GONE),
        )
    return _changed(web, session, citizen, user, agreement, web.gettext("Undone."), {"columns", "undo"})


def _refused(
    web: Web,
    session: Session,
    citizen: User,
    user: User,
    message: str,
    status_code: int = 400,
    view: BoardView | None = None,
    why: dict[int, str] | None = None,
) -> Response:
    view = view or _view(session, citizen, user)
    why = why or {}
    if wants_fragment(web.request):
        focus = f"#agreement-{next(iter(why))}" if why else ""
        return update_response(
            web,
            view=view,
            regions={"columns", "undo"},
            announcement=message,
            status_code=status_code,
            focus=focus,
            why=why,
        )
    page = board_context(view, announcement=message, why=why)
    return web.page(BOARD_TEMPLATE, status_code=status_code, page_url=f"/citizens/{citizen.id}/board", **page)


# -- one agreement: wording and history ---------------------------------------------------------


@router.get("/citizens/{citizen_id}/agreements/{agreement_id}")
def agreement_page(
    citizen_id: int, agreement_id: int, web: WebDep, session: SessionDep, user: CurrentUser
) -> Response:
    citizen = visible_citizen(session=session, user=user, citizen_id=citizen_id)
    view = _view(session, citizen, user)
    agreement = view.find(agreement_id)
    if agreement is None:
        raise NotVisible(agreement_id)
    return _agreement_page(web, session, view, agreement, AgreementForm.of(agreement))


@router.post("/citizens/{citizen_id}/agreements/{agreement_id}")
def edit(
    citizen_id: int,
    agreement_id: int,
    web: WebDep,
    session: SessionDep,
    user: CurrentUser,
    what: Text = "",
    who: Text = "citizen",
    who_name: Text = "",
    due_on: Text = "",
    goal_id: Text = "",
    revision: Text = "",
    check: Text = "",
    sensitive: Text = "",
) -> Response:
    """`sensitive`: the answer when the new words of a shared card mention something sensitive:
    "share" saves and keeps sharing, "private" (the citizen only) saves and stops sharing."""
    citizen = _citizen(session, user, citizen_id)
    agreement = service.get_agreement(session=session, citizen=citizen, agreement_id=agreement_id)
    form = AgreementForm(what=what, who=who, who_name=who_name, due_on=due_on, goal_id=goal_id)
    wording = service.validate(
        session=session, citizen=citizen, form=form, t=web.translator, current=agreement
    )
    started_from = _revision(revision)
    try:
        if started_from != agreement.revision:
            # Checked before the field errors: the person must first see what changed.
            raise EditConflict(agreement)
        if check:
            # The readability of the new wording, before it is saved: nothing changes.
            form.errors.clear()
            return _agreement_page(web, session, _view(session, citizen, user), agreement, form)
        if wording is None:
            return _agreement_page(web, session, _view(session, citizen, user), agreement, form, 400)
        found = service.newly_sensitive(agreement=agreement, wording=wording)
        answered = sensitive == "share" or (sensitive == "private" and user.id == citizen.id)
        if found and not answered:
            view = _view(session, citizen, user)
            return _agreement_page(web, session, view, agreement, form, guard=found)
        service.edit(
            session=session,
            citizen=citizen,
            actor=user,
            agreement_id=agreement_id,
            wording=wording,
            revision=started_from,
        )
        if sensitive == "private" and user.id == citizen.id:
            service.set_shared(
                session=session, citizen=citizen, actor=user, agreement_id=agreement_id, shared=False
            )
    except EditConflict:
        form.errors.clear()
        current = service.get_agreement(session=session, citizen=citizen, agreement_id=agreement_id)
        view = _view(session, citizen, user)
        return _agreement_page(web, session, view, current, form, 409, conflict=True)
    return see_other(_board_url(citizen, f"agreement-{agreement.id}"))


def _agreement_page(
    web: Web,
    session: Session,
    view: BoardView,
    agreement: Agreement | Card,
    form: AgreementForm,
    status_code: int = 200,
    conflict: bool = False,
    guard: list[Mention] | None = None,
) -> Response:
    history = service.history(session=session, agreement=agreement)
    names = {uid: person.name for uid, person in view.data.people.items()}
    missing = {r.changed_by_id for r in history if r.changed_by_id and r.changed_by_id not in names}
    if missing:
        for person in session.exec(select(User).where(col(User.id).in_(missing))).all():
            names[person.id or 0] = person.name
    # What the viewer did themselves is said to them as "you".
    names[view.viewer.id or 0] = web.gettext("you")
    changed_by = names.get(agreement.updated_by_id or 0, web.gettext("someone"))
    return web.page(
        "board_agreement.html",
        status_code=status_code,
        **board_context(
            view,
            agreement=agreement,
            history=history,
            names=names,
            form=form,
            conflict=conflict,
            conflict_by=changed_by,
            changed_by=changed_by,
            guard=guard or [],
        ),
    )
