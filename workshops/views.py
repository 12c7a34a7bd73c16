"""Pages for workshop sessions, answers, the register, materials, feedback and learning needs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from practices.access import can_run_programme
from practices.models import Practice, Programme
from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once
from qiproject.locking import StaleEditError, refuse_stale
from qiproject.uniqueness import unique_violation_as_error
from workshops import figures, selectors, services
from workshops.calendar import session_ics
from workshops.forms import (
    FeedbackForm,
    LearningNeedsForm,
    MaterialForm,
    RsvpForm,
    SessionForm,
    TopicForm,
)
from workshops.models import LearningTopic, Material, Round, WorkshopSession


@login_required
def session_list(request):
    sessions = list(selectors.session_list(user=request.user))
    programmes = selectors.programmes_run_by(user=request.user)
    context = {"sessions": sessions, "run_programmes": programmes}
    return render(request, "workshops/session_list.html", context)


@login_required
def session_detail(request, pk):
    session = selectors.session_detail(user=request.user, pk=pk)
    invitation = selectors.invitation_for(session=session, user=request.user)
    runs = can_run_programme(request.user, session.programme)
    takes_register = WorkshopSession.objects.register_takers(request.user).filter(pk=pk).exists()
    attended = selectors.has_attended(session=session, user=request.user)
    feedback = selectors.feedback_of(session=session, user=request.user)
    context = {
        "session": session,
        "invitation": invitation,
        "rsvp_form": RsvpForm(initial={"response": invitation.response} if invitation else None),
        "runs_programme": runs,
        "takes_register": takes_register,
        "material_form": MaterialForm() if runs else None,
        "attendance": selectors.attendance_by_practice(session=session, user=request.user),
        "professions": selectors.PROFESSIONS,
        "can_give_feedback": attended and session.has_happened,
        "feedback_form": FeedbackForm(instance=feedback),
        "feedback_summary": selectors.feedback_summary(session=session)
        if (runs or takes_register)
        else None,
        "needs_addressed": selectors.session_learning_needs(session=session),
    }
    return render(request, "workshops/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, programme_pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=programme_pk)
    needs = selectors.learning_needs_results(programme=programme)
    form = SessionForm(
        request.POST if request.method == "POST" else None, programme=programme, needs=needs
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with unique_violation_as_error(form):
                session = create_once(
                    request, form, lambda: services.session_create(programme=programme, **data)
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Session added. Send the invitations when it is ready.")
            return redirect("workshops:session_detail", pk=session.pk)
    context = {
        "form": form,
        "programme": programme,
        "session": None,
        "weakest": selectors.weakest_learning_needs(needs),
    }
    return render(request, "workshops/session_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = get_object_or_404(WorkshopSession.objects.managed_by(request.user), pk=pk)
    needs = selectors.learning_needs_results(programme=session.programme)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        instance=session,
        programme=session.programme,
        needs=needs,
    )
    context = {
        "form": form,
        "programme": session.programme,
        "session": session,
        "weakest": selectors.weakest_learning_needs(needs),
    }
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with unique_violation_as_error(form):
                services.session_update(session=session, **data)
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "workshops/session_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Session updated.")
            return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_form.html", context)


@login_required
@require_POST
def session_invite(request, pk):
    session = get_object_or_404(WorkshopSession.objects.managed_by(request.user), pk=pk)
    created = services.session_invite(session=session)
    messages.success(request, f"{len(created)} invitation{'s' if len(created) != 1 else ''} sent.")
    return redirect("workshops:session_detail", pk=session.pk)


@login_required
def session_calendar(request, pk):
    session = get_object_or_404(
        WorkshopSession.objects.visible_to(request.user).select_related("programme"), pk=pk
    )
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{session.pk}.ics"'
    return response


@login_required
@require_POST
def invitation_respond(request, pk):
    session = get_object_or_404(WorkshopSession.objects.visible_to(request.user), pk=pk)
    invitation = selectors.invitation_for(session=session, user=request.user)
    if invitation is None:
        raise Http404
    form = RsvpForm(request.POST)
    if form.is_valid():
        services.invitation_respond(invitation=invitation, response=form.cleaned_data["response"])
        messages.success(
            request, f"Thank you: your answer is “{invitation.get_response_display()}”."
        )
    else:
        messages.error(request, "Choose yes, no or maybe.")
    return redirect("workshops:session_detail", pk=session.pk)


@login_required
def series_attendance(request, programme_pk):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=programme_pk)
    sessions, rows = selectors.series_attendance(programme=programme, user=request.user)
    context = {
        "programme": programme,
        "sessions": sessions,
        "rows": rows,
        "professions": selectors.PROFESSIONS,
    }
    return render(request, "workshops/series_attendance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_register(request, pk):
    session = get_object_or_404(
        WorkshopSession.objects.register_takers(request.user).select_related("programme"), pk=pk
    )
    if request.method == "POST":
        ids = {int(value) for value in request.POST.getlist("attended") if value.isdigit()}
        try:
            services.attendance_record(session=session, by=request.user, user_ids=ids)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Register saved.")
            return redirect("workshops:session_detail", pk=session.pk)
    context = {"session": session, "groups": selectors.register(session=session)}
    return render(request, "workshops/attendance_register.html", context)


@login_required
@require_POST
def material_upload(request, pk):
    session = get_object_or_404(WorkshopSession.objects.managed_by(request.user), pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda: services.material_add(
                    session=session,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                ),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Material uploaded.")
            return redirect("workshops:session_detail", pk=session.pk)
    session = selectors.session_detail(user=request.user, pk=pk)
    context = {"session": session, "form": form}
    return render(request, "workshops/material_form.html", context, status=400)


@login_required
def material_download(request, pk, material_pk):
    session = get_object_or_404(WorkshopSession.objects.visible_to(request.user), pk=pk)
    material = get_object_or_404(Material, pk=material_pk, session=session)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, ValueError):
        # The row outlived its file (a restore without media, a disk cleared by hand):
        # nothing to send is "not found", not a server error.
        raise Http404("This material's file is missing.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )


@login_required
@require_POST
def material_delete(request, pk, material_pk):
    session = get_object_or_404(WorkshopSession.objects.managed_by(request.user), pk=pk)
    material = get_object_or_404(Material, pk=material_pk, session=session)
    services.material_delete(material=material)
    messages.success(request, "Material removed.")
    return redirect("workshops:session_detail", pk=session.pk)


@login_required
@require_POST
def feedback_submit(request, pk):
    session = get_object_or_404(WorkshopSession.objects.visible_to(request.user), pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_submit(session=session, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you for your feedback.")
    else:
        messages.error(request, "Rate both usefulness and confidence from 1 to 5.")
    return redirect("workshops:session_detail", pk=session.pk)


@login_required
def learning_needs(request, programme_pk):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=programme_pk)
    runs = can_run_programme(request.user, programme)
    context = {
        "programme": programme,
        "runs_programme": runs,
        "member_practice": selectors.member_practice(user=request.user, programme=programme),
        "practices": selectors.programme_practices(programme=programme, user=request.user),
        "topic_form": TopicForm() if runs else None,
        "topics": selectors.learning_topics(programme=programme),
    }
    if runs:
        results = selectors.learning_needs_results(programme=programme)
        context.update(figures.confidence_chart_context(results, ident="programme-chart"))
        context["by_practice"] = selectors.learning_needs_by_practice(
            programme=programme, user=request.user
        )
    return render(request, "workshops/learning_needs.html", context)


@login_required
def learning_needs_practice(request, programme_pk, practice_pk):
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("programme"),
        pk=practice_pk,
        programme_id=programme_pk,
    )
    results = selectors.learning_needs_results(programme=practice.programme, practice=practice)
    context = {
        "practice": practice,
        "programme": practice.programme,
        **figures.confidence_chart_context(results, ident="practice-chart"),
    }
    return render(request, "workshops/learning_needs_practice.html", context)


@login_required
@require_POST
def learning_topic_add(request, programme_pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=programme_pk)
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            with unique_violation_as_error(form, model=LearningTopic):
                create_once(
                    request,
                    form,
                    lambda: services.learning_topic_add(
                        programme=programme, name=form.cleaned_data["name"]
                    ),
                )
        except ValidationError:
            messages.error(request, "That topic is already on the list.")
        else:
            messages.success(request, "Topic added.")
    return redirect("workshops:learning_needs", programme_pk=programme.pk)


@login_required
@require_POST
def learning_topic_remove(request, programme_pk, topic_pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=programme_pk)
    topic = get_object_or_404(LearningTopic, pk=topic_pk, programme=programme)
    try:
        services.learning_topic_remove(topic=topic)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Topic removed.")
    return redirect("workshops:learning_needs", programme_pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def learning_needs_answer(request, programme_pk, round):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=programme_pk)
    practice = selectors.member_practice(user=request.user, programme=programme)
    if practice is None or round not in Round.values:
        raise Http404
    topics = selectors.learning_topics(programme=programme)
    previous = selectors.my_learning_needs(user=request.user, programme=programme, round=round)
    form = LearningNeedsForm(
        request.POST if request.method == "POST" else None,
        topics=topics,
        initial={f"topic_{pk}": value for pk, value in previous.items()},
    )
    if request.method == "POST" and form.is_valid():
        services.learning_needs_answer(
            user=request.user, practice=practice, round=round, answers=form.answers()
        )
        messages.success(request, "Thank you: your answers are saved.")
        return redirect("workshops:learning_needs", programme_pk=programme.pk)
    context = {
        "programme": programme,
        "practice": practice,
        "form": form,
        "round_label": Round(round).label,
    }
    return render(request, "workshops/learning_needs_answer.html", context)
