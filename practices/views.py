"""Pages for practices, programmes, invitations, signing in and the visit log."""

from datetime import date

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from practices import selectors, services
from practices.access import (
    can_manage_team,
    can_record_visits,
    can_run_programme,
    request_roles,
)
from practices.forms import (
    AcceptInvitationForm,
    InvitationForm,
    PasswordResetForm,
    TimeSummaryForm,
    VisitForm,
    action_formset,
    with_one_more_row,
)
from practices.models import AgreedAction, Practice, Programme, Visit
from qiproject.forms import add_validation_error

PRACTICES_PER_PAGE = 50
VISITS_PER_PAGE = 25


@login_required
def home(request):
    roles = request_roles(request)
    if roles.is_lead:
        return redirect("dashboards:programme", pk=roles.led_programmes[0].pk)
    if roles.is_facilitator:
        return redirect("dashboards:facilitator")
    if len(roles.memberships) == 1:
        return redirect("practice_detail", pk=roles.memberships[0].practice_id)
    return redirect("practice_list")


@login_required
def practice_list(request):
    page = Paginator(selectors.practice_list(user=request.user), PRACTICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    summaries = selectors.visit_summaries(practice.pk for practice in page)
    for practice in page:
        practice.visit_summary = summaries[practice.pk]
    context = {"practices": page, "page": page, "today": timezone.localdate()}
    return render(request, "practices/practice_list.html", context)


@login_required
def practice_detail(request, pk):
    practice = selectors.practice_detail(user=request.user, pk=pk)
    context = {
        "practice": practice,
        "team": [m for m in practice.memberships.all() if not m.is_patient_rep],
        "patient_reps": [m for m in practice.memberships.all() if m.is_patient_rep],
        "assignments": list(practice.facilitator_assignments.all()),
        "can_invite": can_manage_team(request.user, practice),
        "visit_summary": selectors.visit_summaries([practice.pk])[practice.pk],
        "can_record_visits": can_record_visits(request.user, practice),
        "today": timezone.localdate(),
    }
    return render(request, "practices/practice_detail.html", context)


@login_required
def programme_detail(request, pk):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    context = {
        "programme": programme,
        "practices": selectors.practice_list(user=request.user).filter(programme=programme),
        "runs_programme": can_run_programme(request.user, programme),
    }
    return render(request, "practices/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request, pk):
    practice = get_object_or_404(Practice.objects.team_managed_by(request.user), pk=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                practice=practice, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/invitation_form.html", {"form": form, "practice": practice})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "practices/invitation_invalid.html", status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "practices/invitation_invalid.html", status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.practice}.")
        return redirect("home")
    return render(
        request, "practices/invitation_accept.html", {"form": form, "invitation": invitation}
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link: the email goes through the outbox."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password also lifts a lockout from failed sign-ins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response


@login_required
def visit_list(request, pk):
    practice = selectors.visit_practice(user=request.user, pk=pk)
    page = Paginator(selectors.visit_list(user=request.user, practice=practice), VISITS_PER_PAGE)
    visits = page.get_page(request.GET.get("page"))
    today = timezone.localdate()
    # Newest first puts planned visits at the top of the first page: shown apart, soonest first.
    context = {
        "practice": practice,
        "visits": visits,
        "upcoming": [visit for visit in reversed(visits) if visit.visited_on > today],
        "past": [visit for visit in visits if visit.visited_on <= today],
        "today": today,
    }
    return render(request, "practices/visit_list.html", context)


@login_required
def visit_detail(request, pk):
    visit, practice = selectors.visit_detail(user=request.user, pk=pk)
    context = {"visit": visit, "practice": practice, "today": timezone.localdate()}
    return render(request, "practices/visit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    practice = get_object_or_404(
        Practice.objects.facilitated_by(request.user).select_related("programme"), pk=pk
    )
    return _visit_form(request, practice, visit=None)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = get_object_or_404(
        Visit.objects.editable_by(request.user).select_related("practice"), pk=pk
    )
    return _visit_form(request, visit.practice, visit=visit)


def _visit_form(request, practice, *, visit):
    """Log or edit a visit with its actions; 'Add another action' works without JavaScript."""
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_action" in data
    if adding_row:
        data = with_one_more_row(data)
    initial_actions = [
        {"pk": a.pk, "description": a.description, "owner": a.owner_id, "due_on": a.due_on}
        for a in (visit.actions.all() if visit else [])
    ]
    form = VisitForm(
        data,
        practice=practice,
        instance=visit,
        initial={"version": visit.version} if visit else {"visited_on": timezone.localdate()},
    )
    formset = action_formset(
        data, practice=practice, initial=initial_actions, extra=0 if visit else 1, visit_form=form
    )
    current = None
    if adding_row:
        _without_errors(form, formset)
    elif data is not None and form.is_valid() and formset.is_valid():
        try:
            visit = _visit_save(request.user, practice, visit, form, formset)
        except services.StaleEdit as error:
            # Keep the user's text, show the saved version, and let a resubmit overwrite it.
            add_validation_error(form, error)
            current = Visit.objects.get(pk=visit.pk)
            form.data = form.data.copy()
            form.data["version"] = str(current.version)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Visit saved.")
            return redirect("visit_detail", pk=visit.pk)
    context = {"form": form, "formset": formset, "practice": practice, "visit": visit}
    context["current"] = current
    return render(request, "practices/visit_form.html", context)


def _visit_save(user, practice, visit, form, formset) -> Visit:
    fields = {name: form.cleaned_data[name] for name in services.VISIT_EDITABLE_FIELDS}
    participants = list(form.cleaned_data["participants"])
    actions = [
        services.ActionInput(
            owner=row.cleaned_data.get("owner"),
            description=row.cleaned_data.get("description", ""),
            due_on=row.cleaned_data.get("due_on"),
            pk=row.cleaned_data.get("pk"),
            delete=bool(row.cleaned_data.get("DELETE")),
        )
        for row in formset.forms
        if row.has_changed() and row.cleaned_data
    ]
    if visit is None:
        return services.visit_record(
            practice=practice,
            facilitator=user,
            participants=participants,
            actions=actions,
            **fields,
        )
    return services.visit_update(
        visit=visit,
        editor=user,
        expected_version=form.cleaned_data["version"] or 0,
        participants=participants,
        actions=actions,
        **fields,
    )


def _without_errors(form, formset) -> None:
    """Re-show submitted data without complaining about rows the user has not finished."""
    form._errors = ErrorDict()
    formset._errors = []
    formset._non_form_errors = ErrorList()
    for row in formset.forms:
        row._errors = ErrorDict()


@login_required
def action_list(request, pk):
    practice = selectors.visit_practice(user=request.user, pk=pk)
    context = {
        "practice": practice,
        "actions": selectors.open_actions(user=request.user, practice=practice),
        "today": timezone.localdate(),
    }
    return render(request, "practices/action_list.html", context)


@login_required
@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        AgreedAction.objects.editable_by(request.user).select_related("visit"), pk=pk
    )
    done = request.POST.get("done", "1") == "1"
    services.action_mark_done(action=action, user=request.user, done=done)
    messages.success(request, f"“{action.description}” marked {'done' if done else 'not done'}.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("action_list", pk=action.visit.practice_id)


def _months_ago(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@login_required
def time_summary(request):
    roles = request_roles(request)
    sees_everyone = roles.is_lead or request.user.is_staff
    if not (sees_everyone or roles.is_facilitator):
        raise Http404("Only facilitators and programme leads have a time summary.")
    today = timezone.localdate()
    defaults = {"start": _months_ago(today, 11), "end": today}
    form = TimeSummaryForm({**defaults, **request.GET.dict()})
    start, end = (
        (form.cleaned_data["start"], form.cleaned_data["end"])
        if form.is_valid()
        else (_months_ago(today, 11), today)
    )
    # A lead first sees each facilitator's monthly totals, then one facilitator by practice.
    facilitator_id = form.cleaned_data.get("facilitator") if form.is_valid() else None
    by_practice = not sees_everyone or facilitator_id is not None
    rows = selectors.time_summary(
        user=request.user,
        start=start,
        end=end,
        own_only=not sees_everyone,
        by_practice=by_practice,
        facilitator_id=facilitator_id,
    )
    context = {
        "form": form,
        "start": start,
        "end": end,
        "groups": selectors.time_groups(rows),
        "by_facilitator": sees_everyone,
        "by_practice": by_practice,
    }
    return render(request, "practices/time_summary.html", context)
