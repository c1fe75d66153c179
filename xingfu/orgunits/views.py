from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.orgunits.selectors import orgunit_ancestors, orgunit_children_with_counts


@login_required
def orgunit_tree(request: HttpRequest) -> HttpResponse:
    """The tree from the user's scope down; ``?q=`` searches names and codes within the scope."""
    require(request.user, Perm.ORGUNITS_VIEW)
    root = scope_of(request.user)
    q = request.GET.get("q", "").strip()
    context: dict = {"root": root, "q": q, "ancestors": orgunit_ancestors(root)}
    if q:
        matches = (
            access_orgunits(request.user)
            .filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__startswith=q))
            .select_related("parent")
            .order_by("path")
        )
        context["page"] = Paginator(matches, 50).get_page(request.GET.get("page"))
    else:
        context["children"] = orgunit_children_with_counts(root)
    template = "orgunits/tree.html#results" if request.htmx else "orgunits/tree.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def orgunit_children(request: HttpRequest, code: str) -> HttpResponse:
    """The children of one unit, loaded into the tree by htmx when a node is opened."""
    require(request.user, Perm.ORGUNITS_VIEW)
    unit = access_orgunit_by_code(request.user, code)
    children = unit.children.annotate(n_children=Count("children")).order_by("code")
    return render(request, "orgunits/tree.html#children", {"children": children})
