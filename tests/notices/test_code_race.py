"""Codes typed at once get no more checks than the limit between them: eight wrong codes sent
together (a script guessing), each in its own connection, let go at a barrier; the tries are
counted under the person's lock, so five are checked and the rest find the code used up."""

import threading

from sqlalchemy import Engine
from sqlmodel import Session, select

from app import clock
from app.core.i18n import translator
from app.models import Channel, NoticeAddress, User
from app.notices import preferences
from tests import factories

GUESSES = 8


def test_codes_typed_at_once_are_checked_at_most_five_times(db: Session, engine: Engine) -> None:
    anna = factories.citizen(db, factories.consultant(db), locale="en")
    assert anna.id is not None
    db.add(
        NoticeAddress(
            user_id=anna.id,
            channel=Channel.email,
            address="anna@example.dk",
            code_digest="0" * 64,  # no code typed matches it
            code_sent_at=clock.now(),
        )
    )
    db.commit()
    t = translator("en")
    barrier = threading.Barrier(GUESSES)
    answers: list[str | None] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            person = session.get(User, anna.id)
            assert person is not None
            session.commit()
            barrier.wait()
            answer = preferences.confirm_address(
                session=session, user=person, channel=Channel.email, code=f"{n:06d}", t=t
            )
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    wrong = answers.count("That code is not right. Type the 6 digits we sent.")
    used_up = answers.count("The code has expired. Ask for a new one.")
    assert (wrong, used_up) == (preferences.CODE_TRIES, GUESSES - preferences.CODE_TRIES), answers
    db.expire_all()
    [row] = db.exec(select(NoticeAddress).where(NoticeAddress.user_id == anna.id)).all()
    assert row.code_attempts == preferences.CODE_TRIES and row.confirmed_at is None
