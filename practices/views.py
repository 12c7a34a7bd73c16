"""Pages for practices, programmes, invitations and signing in."""

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from practices import selectors, services
from practices.access import can_manage_team, can_run_programme, roles_for
from practices.forms import AcceptInvitationForm, InvitationForm
from practices.models import Practice, Programme


@login_required
def home(request):
    roles = roles_for(request.user)
    if roles.is_lead:
        return redirect("programme_detail", pk=roles.led_programmes[0].pk)
    if roles.is_facilitator:
        return redirect("practice_list")
    if len(roles.memberships) == 1:
        return redirect("practice_detail", pk=roles.memberships[0].practice_id)
    return redirect("practice_list")


@login_required
def practice_list(request):
    practices = selectors.practice_list(user=request.user)
    return render(request, "practices/practice_list.html", {"practices": practices})


@login_required
def practice_detail(request, pk):
    practice = selectors.practice_detail(user=request.user, pk=pk)
    context = {
        "practice": practice,
        "team": [m for m in practice.memberships.all() if not m.is_patient_rep],
        "patient_reps": [m for m in practice.memberships.all() if m.is_patient_rep],
        "assignments": list(practice.facilitator_assignments.all()),
        "can_invite": can_manage_team(request.user, practice),
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
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password also lifts a lockout from failed sign-ins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response
