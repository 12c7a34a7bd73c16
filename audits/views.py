"""Clinical audit pages: parse, call a service or selector, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits import figures, selectors, services
from audits.forms import (
    NO_PID_CASES,
    CaseGridForm,
    CaseImportForm,
    CriterionFormSet,
    MeasureLinkForm,
    RoundEditForm,
    RoundForm,
    TemplateEditForm,
    TemplateForm,
    criterion_initial,
)
from audits.models import AuditRound, AuditTemplate
from pdsa.models import DataPoint, Measure
from practices.access import can_curate_audit_templates
from practices.models import Practice, Programme
from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once, submitted_before
from qiproject.locking import StaleEditError, refuse_stale
from qiproject.uniqueness import unique_violation_as_error

ROUNDS_PER_PAGE = 25
ROWS_PER_SCREEN = 10


def _editable_round(user, pk) -> AuditRound:
    """A round the user may see (404 otherwise); 403 if they may only look at it."""
    audit_round = get_object_or_404(
        AuditRound.objects.visible_to(user).select_related(
            "practice", "template_version__template"
        ),
        pk=pk,
    )
    if not AuditRound.objects.editable_by(user).filter(pk=pk).exists():
        raise PermissionDenied("You can view this audit but not change it.")
    return audit_round


def _curator_only(user) -> None:
    if not can_curate_audit_templates(user):
        raise Http404("No such page.")


@login_required
def audit_list(request):
    page = Paginator(selectors.rounds_for(request.user), ROUNDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "templates": selectors.templates_for_list(),
        "practices": selectors.practices_to_audit(request.user),
        "programmes": selectors.programmes_for(request.user),
        "can_curate": can_curate_audit_templates(request.user),
    }
    return render(request, "audits/audit_list.html", context)


@login_required
def template_detail(request, pk):
    template = get_object_or_404(AuditTemplate, pk=pk)
    number = request.GET.get("version")
    try:
        version = selectors.template_criteria(template, int(number) if number else None)
    except (ValueError, template.versions.model.DoesNotExist):
        raise Http404("No such version.") from None
    context = {
        "template": template,
        "version": version,
        "versions": selectors.versions_of(template),
        "can_curate": can_curate_audit_templates(request.user),
        "programmes": selectors.programmes_for(request.user),
    }
    return render(request, "audits/template_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    _curator_only(request.user)
    form = TemplateForm(request.POST or None)
    criteria = CriterionFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note") or "First version"
        try:
            with unique_violation_as_error(form):
                template = create_once(
                    request,
                    form,
                    lambda: services.template_create(
                        criteria=criteria.criteria(), note=note, **data
                    ),
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Template saved.")
            return redirect(template)
    # A repeat fails the name check because its own first submit took the name: asked after
    # validating, so a repeat racing the first (not yet saved when it began) is caught too.
    earlier = submitted_before(request) if request.method == "POST" else None
    if earlier is not None:
        return redirect(earlier)
    context = {"form": form, "criteria": criteria}
    return render(request, "audits/template_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    _curator_only(request.user)
    template = get_object_or_404(AuditTemplate, pk=pk)
    latest = selectors.template_criteria(template)
    form = TemplateEditForm(request.POST or None, instance=template)
    criteria = CriterionFormSet(
        request.POST or None, prefix="criteria", initial=criterion_initial(latest)
    )
    context = {"form": form, "criteria": criteria, "template": template}
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        before = template.version
        try:
            with unique_violation_as_error(form):
                saved = services.template_revise(template=template, **form.revision(criteria))
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "audits/template_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if saved.number == before:
                messages.info(request, "Nothing had changed, so no new version was made.")
            else:
                messages.success(request, f"Saved as version {saved.number}.")
            return redirect(template)
    return render(request, "audits/template_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, practice_pk):
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=practice_pk)
    if not Practice.objects.editable_by(request.user).filter(pk=practice.pk).exists():
        raise PermissionDenied("You can view this practice's audits but not start one.")
    form = RoundForm(request.POST or None, initial={"template": request.GET.get("template")})
    if request.method == "POST" and form.is_valid():
        try:
            audit_round = create_once(
                request,
                form,
                lambda: services.round_create(practice=practice, **form.cleaned_data),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Audit round started: enter its cases.")
            return redirect("audits:round_cases", pk=audit_round.pk)
    return render(request, "audits/round_form.html", {"form": form, "practice": practice})


@login_required
def round_detail(request, pk):
    audit_round = get_object_or_404(
        AuditRound.objects.visible_to(request.user).select_related(
            "practice__programme", "template_version__template"
        ),
        pk=pk,
    )
    results = selectors.round_results(audit_round)
    comparison = selectors.rounds_compared(audit_round)
    template = audit_round.template_version.template
    cycles, links = selectors.round_links(audit_round)
    context = {
        "round": audit_round,
        "template": template,
        "results": results,
        "chart": figures.results_chart(results, f"{template.name}: results against the standards"),
        "comparison": comparison if len(comparison.rounds) > 1 else None,
        "comparison_chart": figures.comparison_chart(comparison)
        if len(comparison.rounds) > 1
        else "",
        "cycles": cycles,
        "links": links,
        "can_edit": AuditRound.objects.editable_by(request.user).filter(pk=pk).exists(),
        "missing": [] if audit_round.is_complete else services.missing_for_completion(audit_round),
        "NO_PID_CASES": NO_PID_CASES,
    }
    return render(request, "audits/round_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    audit_round = _editable_round(request.user, pk)
    cycles = selectors.cycles_to_link(audit_round)
    form = RoundEditForm(request.POST or None, instance=audit_round, cycles=cycles)
    context = {"form": form, "round": audit_round, "practice": audit_round.practice}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, chosen = data.pop("version"), data.pop("cycles")
        try:
            services.round_update(
                audit_round=audit_round, version=version, cycles=chosen, user=request.user, **data
            )
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "audits/round_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Round saved.")
            return redirect(audit_round)
    return render(request, "audits/round_form.html", context)


def _screen_to_go_to(data, start: int, sample_size: int) -> int:
    """The first case of the screen a grid's button moves to; every move saves the rows first."""
    if "next" in data:
        target = start + ROWS_PER_SCREEN
    elif "previous" in data:
        target = max(1, start - ROWS_PER_SCREEN)
    else:
        try:
            target = int(data.get("goto", start))
        except ValueError:
            target = start
    return target if 1 <= target <= sample_size else start


@login_required
@require_http_methods(["GET", "POST"])
def round_cases(request, pk):
    audit_round = _editable_round(request.user, pk)
    try:
        start = max(1, min(int(request.GET.get("from", 1)), audit_round.sample_size))
    except ValueError:
        start = 1
    numbers = list(range(start, min(start + ROWS_PER_SCREEN, audit_round.sample_size + 1)))
    cases = selectors.round_cases(audit_round, numbers)
    form = CaseGridForm(request.POST or None, audit_round=audit_round, numbers=numbers, cases=cases)
    errors = []
    if request.method == "POST" and form.is_valid():
        rows = form.case_inputs()
        if form.is_valid():
            try:
                saved = services.cases_save(audit_round=audit_round, rows=rows, user=request.user)
            except services.CaseErrors as error:
                errors = error.errors
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, f"Saved {saved} case(s).")
                if "results" in request.POST:
                    return redirect(audit_round)
                target = _screen_to_go_to(request.POST, start, audit_round.sample_size)
                return redirect(f"{request.path}?from={target}")
    context = {
        "round": audit_round,
        "form": form,
        "errors": errors,
        "start": start,
        "previous": max(1, start - ROWS_PER_SCREEN) if start > 1 else None,
        "following": numbers[-1] + 1 if numbers[-1] < audit_round.sample_size else None,
        "NO_PID_CASES": NO_PID_CASES,
        "screens": range(1, audit_round.sample_size + 1, ROWS_PER_SCREEN),
    }
    return render(request, "audits/round_cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_import(request, pk):
    audit_round = _editable_round(request.user, pk)
    form = CaseImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cases_import_csv(
                audit_round=audit_round, text=form.cleaned_data["file"], user=request.user
            )
        except services.CaseErrors as error:
            errors = error.errors
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Imported {saved} case(s).")
            return redirect(audit_round)
    criteria = selectors.round_criteria(audit_round)
    context = {"round": audit_round, "form": form, "errors": errors, "criteria": criteria}
    return render(request, "audits/round_import.html", context)


@login_required
@require_POST
def round_complete(request, pk):
    audit_round = _editable_round(request.user, pk)
    try:
        services.round_complete(audit_round=audit_round, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Round marked complete.")
    return redirect(audit_round)


@login_required
@require_http_methods(["GET", "POST"])
def measure_link(request, measure_pk):
    measure = get_object_or_404(
        Measure.objects.visible_to(request.user).select_related("plan__practice"), pk=measure_pk
    )
    if not Measure.objects.editable_by(request.user).filter(pk=measure.pk).exists():
        raise PermissionDenied("You can view this measure but not change it.")
    link = selectors.measure_link_of(measure)
    form = MeasureLinkForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        services.measure_link_remove(measure=measure)
        messages.success(request, "The measure is no longer fed by the audit.")
        return redirect(measure)
    if request.method == "POST" and form.is_valid():
        template, key = form.chosen()
        try:
            # Completed rounds write the measure's points: a value entered meanwhile for the
            # same period is the one uniqueness race this can lose.
            with unique_violation_as_error(form, model=DataPoint):
                services.measure_link_set(
                    measure=measure, template=template, criterion_key=key, user=request.user
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Completed audit rounds now feed this measure.")
            return redirect(measure)
    return render(
        request, "audits/measure_link.html", {"measure": measure, "link": link, "form": form}
    )


@login_required
def funnel(request, pk, template_pk):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    template = get_object_or_404(AuditTemplate, pk=template_pk)
    criteria = selectors.funnel_criteria(template)
    key = request.GET.get("criterion") or criteria[0].key
    if key not in {c.key for c in criteria}:
        raise Http404("No such criterion.")
    which = selectors.FIRST if request.GET.get("rounds") == selectors.FIRST else selectors.LATEST
    result = selectors.funnel(
        programme=programme, template=template, key=key, user=request.user, which=which
    )
    chart = figures.funnel_chart(result)
    context = {
        "programme": programme,
        "template": template,
        "criteria": criteria,
        "key": key,
        "which": which,
        "funnel": result,
        "chart": chart,
    }
    return render(request, "audits/funnel.html", context)
