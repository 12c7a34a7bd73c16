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
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from practices import selectors, services
from practices.access import (
    access_facilitator_pages,
    can_manage_team,
    can_record_visits,
    can_run_programme,
    home_for,
)
from practices.forms import (
    AcceptInvitationForm,
    InvitationForm,
    PasswordResetForm,
    SignInForm,
    TimeSummaryForm,
    VisitForm,
    action_formset,
    with_one_more_row,
)
from practices.models import AgreedAction, Practice, Programme, Visit
from qiproject.dates import add_months, month_start
from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once
from qiproject.locking import StaleEditError, refuse_stale
from qiproject.redirects import safe_next_url
from qiproject.users import is_signed_in

PRACTICES_PER_PAGE = 50
VISITS_PER_PAGE = 25


@login_required
def home(request):
    return redirect(home_for(request))


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
        **selectors.practice_people(practice),
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
        "practices": selectors.programme_practice_list(user=request.user, programme=programme),
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
            invitation = create_once(
                request,
                form,
                lambda: services.invitation_create(
                    practice=practice, invited_by=request.user, **form.cleaned_data
                )[0],
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
    account = selectors.invitation_account(invitation)
    if account is not None:
        return _invitation_accept_existing(request, token, invitation, account)
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


def _invitation_accept_existing(request, token, invitation, account):
    """An address with an account: its owner signs in, then accepts; no password is set here."""
    signed_in_as_account = is_signed_in(request.user) and request.user.pk == account.pk
    if request.method == "POST" and signed_in_as_account:
        try:
            services.invitation_accept(token=token, user=request.user)
        except ValidationError:
            return render(request, "practices/invitation_invalid.html", status=410)
        messages.success(request, f"You have joined {invitation.practice}.")
        return redirect("home")
    context = {
        "invitation": invitation,
        "signed_in_as_account": signed_in_as_account,
        "sign_in_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "practices/invitation_accept_existing.html", context)


class SignInView(auth_views.LoginView):
    """Sign in with the length-checked, case-folding form; `next` follows the one redirect rule."""

    form_class = SignInForm

    def get_redirect_url(self):
        return safe_next_url(self.request, "")


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
    initial_actions = selectors.visit_actions_initial(visit)
    form = VisitForm(
        data,
        practice=practice,
        instance=visit,
        initial={} if visit else {"visited_on": timezone.localdate()},
    )
    formset = action_formset(
        data, practice=practice, initial=initial_actions, extra=0 if visit else 1, visit_form=form
    )
    context = {"form": form, "formset": formset, "practice": practice, "visit": visit}
    if adding_row:
        _without_errors(form, formset)
    elif data is not None and form.is_valid() and formset.is_valid():
        try:
            visit = _visit_save(request, practice, visit, form, formset)
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "practices/visit_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Visit saved.")
            return redirect("visit_detail", pk=visit.pk)
    return render(request, "practices/visit_form.html", context)


def _visit_save(request, practice, visit, form, formset) -> Visit:
    user = request.user
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
        return create_once(
            request,
            form,
            lambda: services.visit_record(
                practice=practice,
                facilitator=user,
                participants=participants,
                actions=actions,
                **fields,
            ),
        )
    return services.visit_update(
        visit=visit,
        editor=user,
        version=form.version,
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
    fallback = reverse("action_list", args=[action.visit.practice_id])
    return redirect(safe_next_url(request, fallback))


def _months_ago(day: date, months: int) -> date:
    return month_start(add_months(day, -months))


@login_required
def time_summary(request):
    sees_everyone = access_facilitator_pages(request)
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
