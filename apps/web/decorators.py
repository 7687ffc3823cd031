"""Access rules for staff pages: a signed-in member of the host's tenant, optionally in a role."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from apps.tenants.models import Role

ROLE_RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


def staff_required(view: Callable | None = None, *, role: str = Role.AGENT) -> Callable:
    """Require a membership of the host's tenant with at least `role`.

    Not signed in (or not a member here): to the sign-in page. A member whose role is too low gets
    404, as for a page that does not exist, so roles cannot be probed.
    """

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                return redirect_to_login(request.get_full_path())
            if ROLE_RANK[membership.role] < ROLE_RANK[role]:
                raise Http404("No such page.")
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
