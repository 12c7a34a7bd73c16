"""The report pages and their PDFs, and a person's QI activity summary with its reflections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once
from qiproject.locking import StaleEditError, refuse_stale
from reports import selectors, services
from reports.forms import AsOfForm, PeriodForm, ReflectionEditForm, ReflectionForm
from reports.models import WorkKind
from reports.pdf import render_pdf


def _report_context(request, pk, report_of):
    """A report as of the day asked for (today when none or a bad one is given)."""
    form = AsOfForm(request.GET or None)
    return {"report": report_of(user=request.user, pk=pk, as_of=form.day()), "form": form}


@login_required
def practice_report(request, pk):
    return render(
        request, "reports/practice.html", _report_context(request, pk, selectors.practice_report)
    )


@login_required
def practice_report_pdf(request, pk):
    context = _report_context(request, pk, selectors.practice_report)
    filename = f"practice-{pk}-report-{context['report'].as_of.isoformat()}.pdf"
    return render_pdf(request, "reports/practice.html", context, filename=filename)


@login_required
def programme_report(request, pk):
    return render(
        request, "reports/programme.html", _report_context(request, pk, selectors.programme_report)
    )


@login_required
def programme_report_pdf(request, pk):
    context = _report_context(request, pk, selectors.programme_report)
    filename = f"programme-{pk}-report-{context['report'].as_of.isoformat()}.pdf"
    return render_pdf(request, "reports/programme.html", context, filename=filename)


def _activity_context(request):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    activity = selectors.qi_activity(user=request.user, start=start, end=end)
    return {"activity": activity, "form": form, "query": request.GET.urlencode()}


@login_required
def qi_activity(request):
    return render(request, "reports/qi_activity.html", _activity_context(request))


@login_required
def qi_activity_pdf(request):
    context = _activity_context(request)
    activity = context["activity"]
    filename = f"qi-activity-{activity.start.isoformat()}-to-{activity.end.isoformat()}.pdf"
    return render_pdf(request, "reports/qi_activity.html", context, filename=filename)


def _work_asked_for(request):
    """The piece of work named by ?kind=&id= that the person took part in, else 404."""
    source = request.POST if request.method == "POST" else request.GET
    kind, pk = source.get("kind", ""), source.get("id", "")
    if kind not in WorkKind.values or not pk.isdigit() or len(pk) > 9:
        raise Http404("No such piece of work.")
    work = selectors.work_taken_part_in(user=request.user, kind=kind, pk=int(pk))
    if work is None:
        raise Http404("No such piece of work.")
    return work


@login_required
@require_http_methods(["GET", "POST"])
def reflection_create(request):
    work = _work_asked_for(request)
    if request.method == "GET":
        existing = selectors.reflection_for(user=request.user, kind=work.kind, pk=work.pk)
        if existing is not None:
            return redirect("reports:reflection_edit", pk=existing.pk)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda: services.reflection_create(
                    author=request.user, kind=work.kind, object_id=work.pk, **form.cleaned_data
                ),
            )
        except PermissionDenied as error:
            raise Http404("No such piece of work.") from error
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Reflection saved. Only you can see it.")
            return redirect("reports:qi_activity")
    return render(request, "reports/reflection_form.html", {"form": form, "work": work})


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request, pk):
    reflection = selectors.own_reflection(user=request.user, pk=pk)
    work = selectors.work_taken_part_in(
        user=request.user, kind=reflection.kind, pk=reflection.object_id
    )
    form = ReflectionEditForm(request.POST or None, instance=reflection)
    context = {"form": form, "work": work, "reflection": reflection}
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in services.TEXT_FIELDS}
        try:
            services.reflection_update(
                reflection=selectors.own_reflection(user=request.user, pk=pk),
                author=request.user,
                version=form.version,
                **texts,
            )
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "reports/reflection_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Reflection saved. Only you can see it.")
            return redirect("reports:qi_activity")
    return render(request, "reports/reflection_form.html", context)
