"""Registry pages: thin views that parse a form, call one selector or service, and render.

Sensitive numbers reach the templates only masked (the ``registry`` filters); the full value is rendered
only in the response to a reveal, which the service audits.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.core.api import CappedPaginator
from xingfu.core.errors import ValidationFailed
from xingfu.core.pages import form_page
from xingfu.orgunits.models import Level
from xingfu.registry import forms, services
from xingfu.registry.export import CONTENT_TYPE, export_filename, registry_export_xlsx
from xingfu.registry.facts import FamilyType, households_with_facts, spouse_on
from xingfu.registry.models import DisabilityGrade, Household, Person, PersonStatus, Relation, Sex
from xingfu.registry.resident_id import normalise
from xingfu.registry.selectors import (
    household_get,
    household_members,
    household_timeline,
    households_for_user,
    households_with_heads,
    person_get,
    person_memberships,
    person_search,
    person_timeline,
    persons_filtered,
    persons_for_user,
    registry_counts,
    with_current_household,
)

PAGE_SIZE = 25


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _can(request: HttpRequest, perm: Perm) -> bool:
    return bool(request.user.can(perm))  # type: ignore[union-attr]


# --- lists ------------------------------------------------------------------------------------------------


@login_required
def registry_home(request: HttpRequest) -> HttpResponse:
    """Search the residents of the user's scope; the counts and the export sit beside the results."""
    require(request.user, Perm.REGISTRY_VIEW)
    form = forms.PersonFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    persons = persons_filtered(
        request.user, q=data.get("q", ""), sex=data.get("sex", ""), status=data.get("status", "")
    ).order_by("orgunit_id", "pinyin", "id")
    # A page's ids from the list-order index, counted no further than 1,000, then those persons read: a
    # district's half a million residents cost a page, not a count and a sort of every row.
    page = CappedPaginator(persons.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_current_household(Person.objects.filter(pk__in=list(page.object_list))).select_related("orgunit")
    found = rows.in_bulk()
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    context: dict[str, Any] = {"form": form, "page": page, "filtered": any(data.values())}
    if _htmx(request):
        return render(request, "registry/home.html#results", context)
    context.update(
        counts=registry_counts(request.user),
        scope=scope_of(request.user),
        may_edit=_can(request, Perm.REGISTRY_EDIT),
        may_import=_can(request, Perm.REGISTRY_IMPORT),
        export_units=_export_units(request),
        may_unmask=_can(request, Perm.REGISTRY_UNMASK),
    )
    return render(request, "registry/home.html", context)


def _export_units(request: HttpRequest) -> list[Any]:
    if not _can(request, Perm.REGISTRY_EXPORT):
        return []
    return list(access_orgunits(request.user).filter(level__in=[Level.TOWN, Level.VILLAGE]).order_by("path")[:400])


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """Households of the scope, by number or by a member's name, ID tail or pinyin."""
    require(request.user, Perm.REGISTRY_VIEW)
    q = request.GET.get("q", "").strip()[:50]
    households = households_for_user(request.user)
    if q:
        member_of = person_search(persons_for_user(request.user), q).values("memberships__household")
        households = households.filter(number__startswith=q) | households.filter(pk__in=member_of)
    households = households_with_heads(households).order_by("orgunit_id", "number")
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "may_edit": _can(request, Perm.REGISTRY_EDIT)}
    template = "registry/households.html#results" if _htmx(request) else "registry/households.html"
    return render(request, template, context)


# --- forms that record something --------------------------------------------------------------------------


def _record(
    request: HttpRequest,
    form: Any,
    *,
    action: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    message: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The record page: the form, then the service called with its cleaned data (``core.pages.form_page``)."""
    return form_page(
        request,
        form,
        action=lambda f: action(f.cleaned_data),
        success=success,
        message=message,
        template="registry/record.html",
        context=context,
    )


def _nothing_to_record(request: HttpRequest, title: str, empty: str, **context: Any) -> HttpResponse:
    """The record page with a word on why there is nothing to fill in, instead of a form."""
    return render(request, "registry/record.html", {"title": title, "empty": empty, **context})


@login_required
def household_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    form = forms.HouseholdForm(request.POST or None, user=request.user, initial={"registered_on": timezone.localdate()})
    return _record(
        request,
        form,
        action=lambda d: services.household_register(
            actor=request.user,
            village=d["village"],
            number=d["number"],
            address=d["address"],
            residence=d["residence"],
            registered_on=d["registered_on"],
        ),
        success=lambda h: reverse("registry-household", args=[h.pk]),
        message=_("Household registered. Add its members next."),
        context={"title": _("Register a household"), "back": reverse("registry-households")},
    )


@login_required
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    household = household_get(request.user, pk)
    has_head = household.head_id is not None
    form = forms.MemberForm(request.POST or None, initial={"relation": Relation.OTHER if has_head else Relation.HEAD})
    return _record(
        request,
        form,
        action=lambda d: services.person_add(
            actor=request.user,
            household=household,
            name=d["name"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            relation=d["relation"],
            id_number=d["id_number"] or None,
            phone=d["phone"],
            start_date=d["start_date"],
        ),
        success=lambda p: reverse("registry-household", args=[household.pk]),
        message=_("Member added."),
        context={
            "title": _("Add a member to household %(number)s") % {"number": household.number},
            "back": reverse("registry-household", args=[household.pk]),
        },
    )


@login_required
def birth_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    household = household_get(request.user, pk)
    current = [m.person for m in household_members(household) if m.end_date is None]
    alive = [p for p in current if p.status == PersonStatus.ALIVE]
    form = forms.BirthForm(
        request.POST or None,
        mothers=[p for p in alive if p.sex == Sex.FEMALE],
        fathers=[p for p in current if p.sex == Sex.MALE],
        initial={"date": timezone.localdate()},
    )
    by_pk = {p.pk: p for p in current}
    return _record(
        request,
        form,
        action=lambda d: services.birth_record(
            actor=request.user,
            mother=by_pk[d["mother"]],
            father=by_pk.get(d["father"]) if d["father"] else None,
            date=d["date"],
            sex=d["sex"],
            name=d["name"],
            place=d["place"],
            id_number=d["id_number"] or None,
            note=d["note"],
        ),
        success=lambda e: reverse("registry-household", args=[household.pk]),
        message=_("Birth recorded; the child was added to the household."),
        context={
            "title": _("Record a birth in household %(number)s") % {"number": household.number},
            "back": reverse("registry-household", args=[household.pk]),
            "empty": None
            if form._choice("mother").choices
            else _("No woman in this household can be chosen as the mother."),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    initial = {"name": person.name, "sex": person.sex, "birth_date": person.birth_date}
    form = forms.PersonEditForm(request.POST or None, person=person, initial=initial)
    return _record(
        request,
        form,
        action=lambda d: services.person_update(
            actor=request.user,
            person=person,
            name=d["name"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            id_number=d["id_number"] or None,
            phone=d["phone"] or None,
        ),
        success=lambda p: reverse("registry-person", args=[p.pk]),
        message=_("Changes saved."),
        context={"title": _("Correct %(name)s's particulars") % {"name": person.name}, "person": person},
    )


@login_required
def disability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record, change or clear the grade of a person's disability certificate (sensitive: masked elsewhere)."""
    require(request.user, Perm.REGISTRY_EDIT)
    require(request.user, Perm.REGISTRY_UNMASK)
    person = person_get(request.user, pk)
    form = forms.DisabilityForm(request.POST or None)
    return _record(
        request,
        form,
        action=lambda d: services.disability_record(
            actor=request.user, person=person, grade=d["grade"], reason=d["reason"]
        ),
        success=lambda p: reverse("registry-person", args=[p.pk]),
        message=_("Disability certificate recorded."),
        context={"title": _("%(name)s's disability certificate") % {"name": person.name}, "person": person},
    )


@login_required
def marriage_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    membership = person.memberships.filter(end_date__isnull=True).first()
    candidates = (
        list(
            Person.objects.filter(
                memberships__household_id=membership.household_id,
                memberships__end_date__isnull=True,
                status=PersonStatus.ALIVE,
            )
            .exclude(sex=person.sex)
            .exclude(pk=person.pk)
        )
        if membership
        else []
    )
    form = forms.MarriageForm(request.POST or None, candidates=candidates)

    def action(d: dict[str, Any]) -> Any:
        if d["spouse"]:
            spouse = next(p for p in candidates if p.pk == d["spouse"])
        else:
            number = normalise(d["spouse_id_number"])
            found = persons_for_user(request.user).filter(id_number=number).first()
            if found is None:
                raise ValidationFailed(
                    _("No person with that resident ID number is registered in your scope."), field="spouse_id_number"
                )
            spouse = found
        return services.marriage_record(
            actor=request.user, person=person, spouse=spouse, date=d["date"], place=d["place"], note=d["note"]
        )

    return _record(
        request,
        form,
        action=action,
        success=lambda e: reverse("registry-person", args=[person.pk]),
        message=_("Marriage recorded."),
        context={"title": _("Record %(name)s's marriage") % {"name": person.name}, "person": person},
    )


@login_required
def divorce_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    spouse = spouse_on(person, timezone.localdate())
    form = forms.DivorceForm(request.POST or None)
    title = _("Record %(name)s's divorce") % {"name": person.name}
    if spouse is None:
        return _nothing_to_record(request, title, _("No current marriage is recorded."), person=person)
    return _record(
        request,
        form,
        action=lambda d: services.divorce_record(
            actor=request.user, person=person, spouse=spouse, date=d["date"], place=d["place"], note=d["note"]
        ),
        success=lambda e: reverse("registry-person", args=[person.pk]),
        message=_("Divorce recorded."),
        context={
            "title": _("Record the divorce of %(a)s and %(b)s") % {"a": person.name, "b": spouse.name},
            "person": person,
        },
    )


@login_required
def head_change(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    household = household_get(request.user, pk)
    members = [m for m in household_members(household) if m.end_date is None]
    form = forms.HeadChangeForm(request.POST or None, members=members)
    back = reverse("registry-household", args=[household.pk])
    title = _("Change the head of household %(n)s") % {"n": household.number}
    if not form._choice("head").choices:
        return _nothing_to_record(request, title, _("No other current member could become the head."), back=back)
    return _record(
        request,
        form,
        action=lambda d: services.household_head_change(
            actor=request.user,
            household=household,
            head=next(m.person for m in members if m.person_id == d["head"]),
            relations=form.relations(),
            reason=d["reason"],
        ),
        success=lambda h: back,
        message=_("Head of household changed."),
        context={"title": title, "back": back},
    )


@login_required
def death_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    form = forms.DeathForm(request.POST or None)
    return _record(
        request,
        form,
        action=lambda d: services.death_record(
            actor=request.user, person=person, date=d["date"], place=d["place"], note=d["note"]
        ),
        success=lambda e: reverse("registry-person", args=[person.pk]),
        message=_("Death recorded."),
        context={"title": _("Record the death of %(name)s") % {"name": person.name}, "person": person},
    )


@login_required
def move_out_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    form = forms.MoveOutForm(request.POST or None)
    return _record(
        request,
        form,
        action=lambda d: services.move_out_record(
            actor=request.user, person=person, date=d["date"], destination=d["destination"], note=d["note"]
        ),
        success=lambda e: reverse("registry-person", args=[person.pk]),
        message=_("Moving out recorded."),
        context={"title": _("%(name)s moves out of the district") % {"name": person.name}, "person": person},
    )


@login_required
def move_in_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    person = person_get(request.user, pk)
    form = forms.MoveInForm(request.POST or None, user=request.user)

    def action(d: dict[str, Any]) -> Any:
        household = form.household(households_for_user(request.user))
        if household is None:
            raise ValidationFailed(_("No household with that number in this village."), field="household_number")
        return services.move_in_record(
            actor=request.user,
            person=person,
            household=household,
            relation=d["relation"],
            date=d["date"],
            note=d["note"],
        )

    return _record(
        request,
        form,
        action=action,
        success=lambda e: reverse("registry-person", args=[person.pk]),
        message=_("Move recorded."),
        context={"title": _("%(name)s moves to another household") % {"name": person.name}, "person": person},
    )


# --- pages about one household or person ------------------------------------------------------------------


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_VIEW)
    household = household_get(request.user, pk)
    facts = households_with_facts(Household.objects.filter(pk=household.pk), on=timezone.localdate()).get()
    members = list(household_members(household))
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "facts": facts,
            "family_type": FamilyType(facts.family_type).label,
            "current": [m for m in members if m.end_date is None],
            "former": [m for m in members if m.end_date is not None],
            "timeline": household_timeline(household)[:100],
            "may_edit": _can(request, Perm.REGISTRY_EDIT),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_VIEW)
    person = person_get(request.user, pk)
    return _person_page(request, person, revealed={})


def _person_page(request: HttpRequest, person: Person, *, revealed: dict[str, str]) -> HttpResponse:
    today = timezone.localdate()
    born = person.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "age": age if person.status != PersonStatus.DEAD else None,
            "memberships": person_memberships(person),
            "timeline": person_timeline(person)[:100],
            "spouse": spouse_on(person, today) if person.status == PersonStatus.ALIVE else None,
            "revealed": revealed,
            "may_edit": _can(request, Perm.REGISTRY_EDIT)
            and person.status not in (PersonStatus.DEAD, PersonStatus.MERGED),
            "may_unmask": _can(request, Perm.REGISTRY_UNMASK),
        },
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Show one full number to a role that may see it; the service writes the audited read."""
    person = person_get(request.user, pk)
    value = services.person_reveal(actor=request.user, person=person, what=what, reason=request.POST.get("reason", ""))
    if what == "disability_grade" and value:
        value = str(DisabilityGrade(int(value)).label)
    if _htmx(request):
        return render(request, "registry/person.html#revealed", {"value": value})
    return _person_page(request, person, revealed={what: value})


@login_required
def registry_export(request: HttpRequest) -> HttpResponse:
    """The XLSX workbook of one village or town (``?orgunit=``), masked unless ``?unmask=1``."""
    require(request.user, Perm.REGISTRY_EXPORT)
    code = request.GET.get("orgunit", "").strip()
    if not code:
        raise ValidationFailed(_("Choose a village or a town to export."), field="orgunit")
    unit = access_orgunit_by_code(request.user, code)
    content = registry_export_xlsx(actor=request.user, unit=unit, unmask=request.GET.get("unmask") == "1")
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(unit)}"'
    return response
