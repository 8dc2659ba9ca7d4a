from .models import Role
from .permissions import user_roles


def navigation(request):
    """Flags for the role-aware navigation; computed once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    roles = user_roles(user)
    return {
        "nav": {
            "is_issuer": Role.ISSUER in roles,
            "is_bidder": Role.BIDDER in roles,
            "is_bureau": Role.BUREAU in roles,
            "is_supervisor": Role.SUPERVISOR in roles,
            "is_district": Role.DISTRICT in roles,
            "is_staff": user.is_staff,
            # Set by the review app's profile (one cheap query, only when rendered).
            "is_expert": hasattr(user, "expert"),
        }
    }
