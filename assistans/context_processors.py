from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import navigation
from .selectors import membership_of


def membership(request):
    """The user's membership, the main menu for their role and, on a demo
    installation (``DEMO_ACCOUNTS_HINT``), the demo accounts for the login page.
    Menu and accounts are computed only when a template uses them."""
    return {
        "membership": membership_of(getattr(request, "user", None)),
        "navigation": SimpleLazyObject(lambda: navigation.items_for(request)),
        "demo_accounts": SimpleLazyObject(_demo_accounts) if settings.DEMO_ACCOUNTS_HINT else None,
    }


def _demo_accounts() -> dict:
    """Every account of the installation with its role and what it sees. Only
    shown when DEMO_ACCOUNTS_HINT is on (``make run``), never in production."""
    from .demo import DEMO_PASSWORD
    from .models import Membership

    rank = {role: index for index, role in enumerate(navigation.ROLE_SUMMARIES)}
    memberships = sorted(
        Membership.objects.select_related("user").order_by("user__username")[:20],
        key=lambda m: rank.get(m.role, len(rank)),
    )
    return {
        "password": DEMO_PASSWORD,
        "accounts": [
            {
                "username": m.user.username,
                "role": m.get_role_display(),
                "sees": navigation.role_summary(m),
            }
            for m in memberships
        ],
    }
