"""Who may see which outreach records: the one place, built on ``xingfu.accounts.access.scoped``.

Records sit where they happened: an event in its village, a training or a media piece in the unit that held
or published it, so each is seen by users whose scope contains that unit. Campaigns are the one exception:
a campaign run by the town or the district is also seen *below* it, because the villages' workers record
their events under it (a village worker sees her town's and the district's campaigns, not the events of
other villages under them).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xingfu.accounts.access import scope_path, scoped
from xingfu.core.errors import NotFound
from xingfu.outreach.models import Attachment, Attendance, Campaign, Event, MediaPiece, Training
from xingfu.registry.models import Person


def _ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` -> ``["/a/", "/a/b/"]``: the paths of the units above the one at ``path``."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes))]


def access_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns run in the user's subtree, and those run by the units above her (her town, the district)."""
    prefix = scope_path(user)
    if prefix is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(Q(orgunit__path__startswith=prefix) | Q(orgunit__path__in=_ancestor_paths(prefix)))


def access_events(user: Any) -> QuerySet[Event]:
    return scoped(user, Event.objects.all(), "village__path")


def access_trainings(user: Any) -> QuerySet[Training]:
    return scoped(user, Training.objects.all(), "orgunit__path")


def access_attendances(user: Any) -> QuerySet[Attendance]:
    return scoped(user, Attendance.objects.all(), "training__orgunit__path")


def access_media_pieces(user: Any) -> QuerySet[MediaPiece]:
    return scoped(user, MediaPiece.objects.all(), "orgunit__path")


def access_attachments(user: Any) -> QuerySet[Attachment]:
    return scoped(user, Attachment.objects.all(), "orgunit__path")


def access_persons(user: Any) -> QuerySet[Person]:
    """Residents the user may choose as attendees or whose training record she may read."""
    return scoped(user, Person.objects.all(), "orgunit__path")


def access_staff(user: Any) -> QuerySet[Any]:
    """Staff accounts whose scope lies in the user's subtree (and always the user herself): those whose
    attendance she may record and whose training record she may read."""
    User = get_user_model()
    prefix = scope_path(user)
    if prefix is None:
        return User.objects.none()
    return User.objects.filter(Q(scope__path__startswith=prefix) | Q(pk=user.pk))


def _one(queryset: QuerySet[Any], pk: Any, message: str) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    # Ids beyond 64 bits overflow the database driver; they cannot exist anyway.
    found = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise NotFound(message)
    return found


def access_campaign(user: Any, pk: Any) -> Campaign:
    """The campaign if the user may see it; 404 otherwise, whether it exists or not."""
    return _one(
        access_campaigns(user).select_related("orgunit"), pk, _("No campaign %(id)s in your scope.") % {"id": pk}
    )


def access_event(user: Any, pk: Any) -> Event:
    return _one(
        access_events(user).select_related("campaign", "campaign__orgunit", "village", "village__parent"),
        pk,
        _("No event %(id)s in your scope.") % {"id": pk},
    )


def access_training(user: Any, pk: Any) -> Training:
    return _one(
        access_trainings(user).select_related("orgunit"), pk, _("No training %(id)s in your scope.") % {"id": pk}
    )


def access_attendance(user: Any, pk: Any) -> Attendance:
    return _one(
        access_attendances(user).select_related("training", "training__orgunit", "person", "user"),
        pk,
        _("No attendance %(id)s in your scope.") % {"id": pk},
    )


def access_media_piece(user: Any, pk: Any) -> MediaPiece:
    return _one(
        access_media_pieces(user).select_related("orgunit"), pk, _("No media piece %(id)s in your scope.") % {"id": pk}
    )


def access_attachment(user: Any, pk: Any) -> Attachment:
    return _one(access_attachments(user), pk, _("No attachment %(id)s in your scope.") % {"id": pk})


def access_person(user: Any, pk: Any) -> Person:
    return _one(access_persons(user).select_related("orgunit"), pk, _("No resident %(id)s in your scope.") % {"id": pk})


def access_staff_member(user: Any, pk: Any) -> Any:
    return _one(
        access_staff(user).select_related("scope"), pk, _("No staff account %(id)s in your scope.") % {"id": pk}
    )


def access_person_by_id_number(user: Any, id_number: str) -> Person:
    """The resident with this resident-ID number in the user's scope. A number outside the scope answers as
    an unknown one does, so numbers cannot be probed."""
    number = "".join(str(id_number or "").split()).replace("-", "").upper()
    person = access_persons(user).select_related("orgunit").filter(id_number=number).first() if number else None
    if person is None:
        raise NotFound(_("No resident with this resident ID number in your scope."), field="id_number")
    return person


def access_staff_by_username(user: Any, username: str) -> Any:
    name = str(username or "").strip()
    staff = access_staff(user).select_related("scope").filter(username=name).first() if name else None
    if staff is None:
        raise NotFound(_("No staff account %(username)s in your scope.") % {"username": repr(name)}, field="username")
    return staff
