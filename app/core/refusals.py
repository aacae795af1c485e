"""Why a request is refused: raised anywhere, answered by app.core.errors in the user's language."""


class SignInRequired(Exception):
    """No valid session: the app answers with a redirect to the sign-in page."""


class CsrfRejected(Exception):
    """A state-changing request without the token from our own page."""


class NotVisible(Exception):
    """Raised when a user asks for something they may not see. Answered as 404, never 403, so
    that someone probing ids cannot even learn which ones exist."""


class AccountClosed(Exception):
    """The right password (or passkey, or code) for an account an administrator has closed:
    no session starts, and the person is told why."""


class PasswordChangeRequired(Exception):
    """Signed in with a first password someone else chose: nothing else until it is changed."""


class StillSaving(Exception):
    """The same change, sent again while the first is still being saved: try again shortly."""
