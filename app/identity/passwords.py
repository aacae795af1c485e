"""Staff passwords: a first password someone else chose (an admin made with `python -m app
create-admin`) is changed before the account does anything else."""

import secrets

from sqlmodel import Session

from app.catalogue import N_
from app.core.security import hash_secret, verify_secret
from app.models import User

PASSWORD_MIN = 10
PASSWORD_MAX = 200


class PasswordError(ValueError):
    """Carries field -> untranslated message; the route translates it for the viewer."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def one_time_password() -> str:
    """Sixteen characters to type once, from a terminal, before choosing one's own."""
    return secrets.token_urlsafe(12)


def change_password(*, session: Session, user: User, current: str, new: str, again: str) -> None:
    errors: dict[str, str] = {}
    if not verify_secret(current[:PASSWORD_MAX], user.password_hash):
        errors["current"] = N_("That is not your present password.")
    if len(new) < PASSWORD_MIN:
        errors["new"] = N_("The password must have at least 10 characters.")
    elif len(new) > PASSWORD_MAX:
        errors["new"] = N_("The password is too long.")
    elif new == current:
        errors["new"] = N_("Choose a new password, not the one you have now.")
    elif new != again:
        errors["again"] = N_("The two passwords are not the same.")
    if errors:
        raise PasswordError(errors)
    record = session.get(User, user.id) or user
    record.password_hash = hash_secret(new)
    record.password_must_change = False
    session.add(record)
    session.commit()
