"""The survey page (personal link, no sign-in), its questions, and the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from followup import exports, selectors, services
from followup.forms import AnswerForm, QuestionsForm
from followup.models import Survey
from practices.models import Practice, Programme


def _link_problem(link) -> str | None:
    if link is None:
        return "invalid"
    if link.recipient.submitted_at is not None:
        return "used"
    if link.is_expired:
        return "expired"
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def followup_answer(request, token):
    link = selectors.link_for_token(token)
    problem = _link_problem(link)
    if problem:
        # Unknown, used and expired links look alike apart from the reason: nothing about
        # the person or the practice is shown.
        return render(request, "followup/link_invalid.html", {"problem": problem}, status=410)
    recipient = link.recipient
    survey = recipient.survey
    changes = selectors.adopted_changes_for(recipient.practice)
    form = AnswerForm(request.POST or None, survey=survey, changes=changes)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(token=token, **form.answers())
        except ValidationError:
            return render(request, "followup/link_invalid.html", {"problem": "used"}, status=410)
        return redirect("followup_thanks")
    context = {"form": form, "survey": survey, "practice": recipient.practice}
    return render(request, "followup/answer.html", context)


def followup_thanks(request):
    return render(request, "followup/thanks.html")


@login_required
def followup_overview(request):
    context = {
        "rates": list(selectors.response_rates(user=request.user)),
        "surveys": selectors.surveys_run_by(user=request.user),
    }
    return render(request, "followup/overview.html", context)


def _results_context(summary, **extra):
    return {
        **selectors.results_figures(summary),
        **extra,
    }


@login_required
def practice_results(request, pk):
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=pk)
    survey = get_object_or_404(Survey, programme_id=practice.programme_id)
    summary = selectors.practice_results(survey=survey, practice=practice)
    context = _results_context(summary, survey=survey, practice=practice, title=practice.name)
    return render(request, "followup/results.html", context)


@login_required
def programme_results(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    survey = get_object_or_404(Survey, programme=programme)
    summary = selectors.programme_results(survey=survey)
    context = _results_context(summary, survey=survey, programme=programme, title=programme.name)
    return render(request, "followup/results.html", context)


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def programme_results_csv(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    survey = get_object_or_404(Survey, programme=programme)
    response = _csv_response(f"follow-up-{programme.pk}.csv")
    exports.results_csv(survey=survey, file=response)
    return response


@login_required
def programme_comments_csv(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    survey = get_object_or_404(Survey, programme=programme)
    response = _csv_response(f"follow-up-{programme.pk}-comments.csv")
    exports.comments_csv(survey=survey, file=response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def survey_questions(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    survey = selectors.survey_for(programme=programme)
    form = QuestionsForm(request.POST or None, instance=survey)
    if request.method == "POST" and not survey.is_open and form.is_valid():
        try:
            services.survey_update_questions(
                survey=services.survey_ensure(programme=programme), **form.questions()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The survey questions are saved.")
            return redirect("followup_questions", pk=programme.pk)
    context = {"form": form, "survey": survey, "programme": programme}
    status = 409 if request.method == "POST" and survey.is_open else 200
    return render(request, "followup/questions.html", context, status=status)
