from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.accounts.access import access_audit_events, access_users, scope_of
from xingfu.accounts.roles import PERMISSIONS, Perm, Role
from xingfu.orgunits.selectors import orgunit_ancestors, orgunit_children_with_counts, orgunit_level_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page, scoped to the user's place in the hierarchy."""
    user = request.user
    scope = scope_of(user)
    role = Role(user.role)  # type: ignore[union-attr]
    context = {
        "scope": scope,
        "ancestors": orgunit_ancestors(scope),
        "counts": orgunit_level_counts(scope),
        "children": orgunit_children_with_counts(scope)[:30],
        "granted": [p for p in Perm if role in PERMISSIONS[p]],
        "recent_events": (
            access_audit_events(user).select_related("orgunit").order_by("-seq")[:8]
            if user.can(Perm.AUDIT_VIEW)  # type: ignore[union-attr]
            else None
        ),
        "user_count": access_users(user).count() if user.can(Perm.USERS_VIEW) else None,  # type: ignore[union-attr]
    }
    return render(request, "web/home.html", context)
