from . import sessions
from .twofactor import requires_second_factor


def second_factor(request):
    """``second_factor_pending``: signed in with the password only, while a second factor
    is due — the navigation then offers nothing but log-out (every page is gated anyway)."""
    user = getattr(request, "user", None)
    pending = bool(
        user is not None
        and user.is_authenticated
        and not sessions.is_verified(request)
        and (request.session.get(sessions.NEEDS_OTP) or requires_second_factor(user))
    )
    return {"second_factor_pending": pending}
