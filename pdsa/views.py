"""Pages for improvement plans, driver diagrams, measures, charts and PDSA cycles.

Objects load through `visible_to(user)`, so what a user may not see is a 404. A user who may
see but not change (a patient representative, a programme lead) gets 403 on editing pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from pdsa import charts, selectors, services
from pdsa.forms import (
    AbandonForm,
    ChangeIdeaForm,
    CommentForm,
    CsvImportForm,
    CycleAdvanceForm,
    CycleCreateForm,
    CycleStageForm,
    DataPointForm,
    DriverForm,
    GridRowForm,
    LibraryMeasureForm,
    MeasureForm,
    PlanForm,
    ProgressScoreForm,
    QuestionForm,
    RebaseForm,
    TaskForm,
)
from pdsa.models import (
    ChangeIdea,
    CycleQuestion,
    DataPoint,
    Driver,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    Stage,
)
from practices.access import can_comment_on_practice, can_curate_evidence, can_edit_practice
from practices.models import Practice
from qiproject.dates import format_month
from qiproject.forms import add_validation_error, parse_period, period_value
from qiproject.idempotency import create_once, submitted_before
from qiproject.locking import refuse_stale
from qiproject.uniqueness import unique_violation_as_error


def _editable(queryset, user, pk):
    """Load a row the user may see; refuse (403) if they may not change it."""
    obj = get_object_or_404(queryset.visible_to(user), pk=pk)
    if not queryset.editable_by(user).filter(pk=pk).exists():
        raise PermissionDenied("You can view this work but not change it.")
    return obj


# Practice dashboard and plans ---------------------------------------------------------------


@login_required
def practice_dashboard(request, pk):
    dashboard = selectors.practice_dashboard(user=request.user, pk=pk)
    context = {
        "dashboard": dashboard,
        "practice": dashboard.practice,
        "can_edit": can_edit_practice(request.user, dashboard.practice),
    }
    return render(request, "pdsa/practice_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, practice_pk):
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=practice_pk)
    if not can_edit_practice(request.user, practice):
        raise PermissionDenied
    form = PlanForm(request.POST or None, practice=practice, initial={"team": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            plan = create_once(
                request, form, lambda: services.plan_create(practice=practice, **data)
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Improvement plan started.")
            return redirect("pdsa:plan_detail", pk=plan.pk)
    return render(request, "pdsa/plan_form.html", {"form": form, "practice": practice})


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    can_edit = can_edit_practice(request.user, plan.practice)
    page = selectors.plan_page(plan, with_library=can_edit)
    context = {
        "plan": plan,
        "practice": plan.practice,
        "measures": page.measures,
        "suggestion": page.suggestion,
        "can_edit": can_edit,
        "score_form": ProgressScoreForm(initial={"progress_score": str(plan.progress_score or "")}),
        "library": page.library,
        "adopted": page.adopted,
    }
    return render(request, "pdsa/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _editable(ImprovementPlan.objects, request.user, pk)
    form = PlanForm(request.POST or None, instance=plan, practice=plan.practice)
    context = {"form": form, "practice": plan.practice, "plan": plan}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        team = data.pop("team")
        try:
            services.plan_update(plan=plan, version=version, team=team, **data)
        except services.StaleEditError as stale:
            return refuse_stale(request, form, stale, "pdsa/plan_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Plan saved.")
            return redirect("pdsa:plan_detail", pk=plan.pk)
    return render(request, "pdsa/plan_form.html", context)


@login_required
@require_POST
def plan_score(request, pk):
    plan = _editable(ImprovementPlan.objects, request.user, pk)
    form = ProgressScoreForm(request.POST)
    if form.is_valid():
        services.plan_set_progress_score(plan=plan, score=form.cleaned_data["progress_score"])
        messages.success(request, "Progress score saved.")
    else:
        messages.error(request, "Choose a score from the list.")
    return redirect("pdsa:plan_detail", pk=plan.pk)


# Driver diagram -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_drivers(request, pk):
    plan = _editable(ImprovementPlan.objects, request.user, pk)
    driver_form = DriverForm(plan=plan, prefix="driver")
    idea_form = ChangeIdeaForm(plan=plan, prefix="idea")
    if request.method == "POST":
        if "driver-text" in request.POST:
            driver_form = DriverForm(request.POST, plan=plan, prefix="driver")
            form, save = driver_form, lambda d: services.driver_add(plan=plan, **d)
        else:
            idea_form = ChangeIdeaForm(request.POST, plan=plan, prefix="idea")
            form, save = idea_form, lambda d: services.change_idea_add(plan=plan, **d)
        if form.is_valid():
            try:
                create_once(request, None, lambda: save(form.cleaned_data))
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Driver diagram updated.")
                return redirect("pdsa:plan_drivers", pk=plan.pk)
    plan = selectors.plan_detail(user=request.user, pk=pk)
    context = {
        "plan": plan,
        "practice": plan.practice,
        "driver_form": driver_form,
        "idea_form": idea_form,
        "can_edit": True,
    }
    return render(request, "pdsa/plan_drivers.html", context)


@login_required
@require_POST
def driver_delete(request, pk):
    driver = _editable(Driver.objects, request.user, pk)
    services.driver_delete(driver=driver)
    messages.success(request, "Driver removed.")
    return redirect("pdsa:plan_drivers", pk=driver.plan_id)


@login_required
@require_http_methods(["GET", "POST"])
def change_idea_edit(request, pk):
    idea = _editable(ChangeIdea.objects.select_related("plan__practice"), request.user, pk)
    initial = {
        "driver": idea.driver_id,
        "title": idea.title,
        "description": idea.description,
        "evidence": selectors.change_idea_evidence(idea),
    }
    form = ChangeIdeaForm(request.POST or None, plan=idea.plan, idea=idea, initial=initial)
    context = {"form": form, "idea": idea, "plan": idea.plan, "practice": idea.plan.practice}
    if request.method == "POST" and form.is_valid():
        try:
            services.change_idea_update(change_idea=idea, **form.cleaned_data)
        except services.StaleEditError as stale:
            return refuse_stale(request, form, stale, "pdsa/change_idea_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Change idea saved.")
            return redirect("pdsa:plan_drivers", pk=idea.plan_id)
    return render(request, "pdsa/change_idea_form.html", context)


@login_required
@require_POST
def change_idea_delete(request, pk):
    idea = _editable(ChangeIdea.objects, request.user, pk)
    services.change_idea_delete(change_idea=idea)
    messages.success(request, "Change idea removed.")
    return redirect("pdsa:plan_drivers", pk=idea.plan_id)


# Measures, data and charts ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request, plan_pk):
    plan = _editable(ImprovementPlan.objects, request.user, plan_pk)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with unique_violation_as_error(form):
                measure = create_once(
                    request,
                    form,
                    lambda: services.measure_create(plan=plan, **form.cleaned_data),
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Measure added.")
            return redirect("pdsa:measure_data", pk=measure.pk)
    return render(request, "pdsa/measure_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = _editable(Measure.objects.select_related("plan"), request.user, pk)
    form = MeasureForm(request.POST or None, instance=measure)
    context = {"form": form, "plan": measure.plan, "measure": measure}
    if request.method == "POST" and form.is_valid():
        try:
            with unique_violation_as_error(form):
                services.measure_update(measure=selectors.as_saved(measure), **form.cleaned_data)
        except services.StaleEditError as stale:
            return refuse_stale(request, form, stale, "pdsa/measure_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Measure saved.")
            return redirect("pdsa:measure_chart", pk=measure.pk)
    return render(request, "pdsa/measure_form.html", context)


@login_required
@require_POST
def measure_adopt(request, plan_pk, library_pk):
    plan = _editable(ImprovementPlan.objects, request.user, plan_pk)
    library_measure = selectors.library_measure_to_adopt(pk=library_pk)
    try:
        with unique_violation_as_error(None, model=Measure):
            measure = create_once(
                request,
                None,
                lambda: services.measure_adopt(plan=plan, library_measure=library_measure),
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pdsa:plan_detail", pk=plan.pk)
    messages.success(request, f"“{measure.name}” added to the plan.")
    return redirect("pdsa:plan_detail", pk=plan.pk)


@login_required
def measure_chart(request, pk):
    measure, analysis, cycles = selectors.measure_chart(user=request.user, pk=pk)
    show_spc = analysis.spc_available and request.GET.get("chart") == "spc"
    on_chart = charts.chart_cycles(measure, analysis.rows, cycles)
    context = {
        "measure": measure,
        "plan": measure.plan,
        "analysis": analysis,
        "show_spc": show_spc,
        # qiproject.charts escapes every text it draws.
        "chart": mark_safe(charts.measure_chart_svg(measure, analysis, cycles, spc=show_spc)),
        "cycles": cycles,
        "chart_cycles": on_chart,
        "cycles_off_chart": [c for c in cycles if all(c.pk != o.pk for _, o in on_chart)],
        "can_edit": can_edit_practice(request.user, measure.plan.practice),
        "rebase_form": RebaseForm(
            measure=measure,
            version=measure.version,
            initial={"rebased_from": measure.rebased_from, "rebase_reason": measure.rebase_reason},
        ),
    }
    return render(request, "pdsa/measure_chart.html", context)


REBASE_INCOMPLETE = "Give the period and say what changed at that period."


@login_required
@require_POST
def measure_rebase(request, pk):
    measure = _editable(Measure.objects, request.user, pk)
    form = RebaseForm(request.POST, measure=measure)
    if form.is_valid():
        try:
            services.measure_rebase(
                measure=measure,
                version=form.version,
                period=form.cleaned_data["rebased_from"],
                reason=form.cleaned_data["rebase_reason"],
            )
        except services.StaleEditError as stale:
            return refuse_stale(
                request, form, stale, "pdsa/measure_rebase.html", {"measure": stale.current}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Rebase saved: the limits are recalculated from there.")
    else:
        messages.error(request, " ".join(form.non_field_errors()) or REBASE_INCOMPLETE)
    return redirect(f"{measure.get_absolute_url()}?chart=spc")


@login_required
@require_http_methods(["GET", "POST"])
def measure_data(request, pk):
    measure = get_object_or_404(
        Measure.objects.visible_to(request.user).select_related("plan__practice"), pk=pk
    )
    can_edit = can_edit_practice(request.user, measure.plan.practice)
    form = DataPointForm(request.POST or None, measure=measure)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                with unique_violation_as_error(form, model=DataPoint):
                    create_once(
                        request,
                        form,
                        lambda: services.data_point_record(
                            measure=measure, user=request.user, **form.cleaned_data
                        ),
                    )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Value saved.")
                return redirect("pdsa:measure_data", pk=measure.pk)
    context = {
        "measure": measure,
        "plan": measure.plan,
        "points": selectors.measure_points(measure),
        "form": form,
        "import_form": CsvImportForm(),
        "can_edit": can_edit,
    }
    return render(request, "pdsa/measure_data.html", context)


def _grid_end(measure, text: str | None):
    """The last period the grid was asked to show, or None for the period under way."""
    try:
        return parse_period(text or "", measure.frequency)
    except (ValueError, OverflowError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def data_grid_edit(request, pk):
    """Several periods at once: new values and corrections, saved all or nothing."""
    measure = _editable(Measure.objects.select_related("plan__practice"), request.user, pk)
    grid = selectors.data_grid(measure, _grid_end(measure, request.GET.get("end")))
    data = request.POST if request.method == "POST" else None
    forms = [GridRowForm(data, measure=measure, period=p, point=point) for p, point in grid.rows]
    end = period_value(grid.rows[-1][0], measure.frequency)
    context = {"measure": measure, "plan": measure.plan, "forms": forms, "grid": grid, "end": end}
    valid = [form.is_valid() for form in forms]  # every row checked, so every error shows
    if request.method == "POST" and all(valid):
        rows = [form.row() for form in forms if not form.is_blank()]
        results = []

        def save():
            results.append(services.data_points_save(measure=measure, rows=rows, user=request.user))
            return measure

        try:
            create_once(request, None, save)
        except services.StaleEditError as stale:
            form = next(f for f in forms if f.point and f.point.pk == stale.current.pk)
            return refuse_stale(request, form, stale, "pdsa/data_grid.html", context)
        except ValidationError as error:
            by_period = {form.period.isoformat(): form for form in forms}
            problems = error.message_dict if hasattr(error, "error_dict") else {}
            for period, messages_ in problems.items():
                by_period[period].add_error(None, " ".join(messages_))
            context["errors"] = [] if problems else error.messages
        else:
            if results:  # not a repeat of a form already saved
                result = results[0]
                messages.success(
                    request, f"Saved {result.created} new value(s); corrected {result.replaced}."
                )
            return redirect(f"{request.path}?end={end}")
    context["failed"] = any(form.errors for form in forms)
    return render(request, "pdsa/data_grid.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def data_point_edit(request, pk):
    point = _editable(DataPoint.objects.select_related("measure__plan"), request.user, pk)
    initial = {f: getattr(point, f) for f in ("numerator", "denominator", "value", "note")}
    form = DataPointForm(
        request.POST or None, measure=point.measure, initial=initial, version=point.version
    )
    del form.fields["period"]
    context = {"form": form, "point": point, "measure": point.measure}
    if request.method == "POST" and form.is_valid():
        try:
            services.data_point_update(
                point=point,
                version=form.version,
                numerator=form.cleaned_data.get("numerator"),
                denominator=form.cleaned_data.get("denominator"),
                value=form.cleaned_data.get("value"),
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except services.StaleEditError as stale:
            return refuse_stale(request, form, stale, "pdsa/data_point_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{format_month(point.period)} corrected.")
            return redirect("pdsa:measure_data", pk=point.measure_id)
    return render(request, "pdsa/data_point_form.html", context)


@login_required
@require_POST
def data_point_delete(request, pk):
    point = _editable(DataPoint.objects, request.user, pk)
    services.data_point_delete(point=point, user=request.user)
    messages.success(request, "Value removed.")
    return redirect("pdsa:measure_data", pk=point.measure_id)


@login_required
@require_http_methods(["GET", "POST"])
def measure_import(request, pk):
    measure = _editable(Measure.objects.select_related("plan"), request.user, pk)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.data_import_csv(
                measure=measure,
                text=form.cleaned_data["file"],
                replace_existing=form.cleaned_data["replace_existing"],
                user=request.user,
            )
        except services.CsvImportError as error:
            errors = error.errors
            form.add_error("file", "Nothing was imported: correct the rows listed and try again.")
        else:
            messages.success(
                request,
                f"Imported {result.created} new period(s); replaced {result.replaced}.",
            )
            return redirect("pdsa:measure_data", pk=measure.pk)
    context = {"measure": measure, "plan": measure.plan, "form": form, "errors": errors}
    return render(request, "pdsa/measure_import.html", context)


@login_required
def measure_export(request, pk):
    measure = get_object_or_404(Measure.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(
        services.data_export_csv(measure=measure), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="measure-{measure.pk}.csv"'
    return response


# Measure library ------------------------------------------------------------------------------


@login_required
def library_list(request):
    measures = selectors.library_list(
        user=request.user, active_only=not can_curate_evidence(request.user)
    )
    context = {"measures": measures, "can_curate": can_curate_evidence(request.user)}
    return render(request, "pdsa/library_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def library_edit(request, pk=None):
    if not can_curate_evidence(request.user):
        raise PermissionDenied
    instance = (
        get_object_or_404(LibraryMeasure.objects.editable_by(request.user), pk=pk) if pk else None
    )
    form = LibraryMeasureForm(request.POST or None, instance=instance)
    context = {"form": form, "instance": instance}
    if request.method == "POST" and form.is_valid():
        try:
            with unique_violation_as_error(form):
                _library_save(request, form, instance)
        except services.StaleEditError as stale:
            return refuse_stale(request, form, stale, "pdsa/library_form.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Library measure saved.")
            return redirect("pdsa:library_list")
    if request.method == "POST" and not instance and submitted_before(request):
        # A repeat fails the name check because its own first submit took the name: asked
        # after validating, so a repeat racing the first (not yet saved when it began) is caught.
        return redirect("pdsa:library_list")
    return render(request, "pdsa/library_form.html", context)


def _library_save(request, form, instance):
    if instance:
        return services.library_measure_update(
            library_measure=selectors.as_saved(instance), **form.cleaned_data
        )
    return create_once(request, form, lambda: services.library_measure_create(**form.cleaned_data))


# PDSA cycles ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request, plan_pk):
    plan = _editable(ImprovementPlan.objects.select_related("practice"), request.user, plan_pk)
    initial = {"owner": request.user.pk, "change_idea": request.GET.get("idea")}
    form = CycleCreateForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            measures, evidence = data.pop("measures"), data.pop("evidence")
            cycle = create_once(
                request,
                form,
                lambda: services.cycle_create(
                    plan=plan, user=request.user, measures=measures, evidence=evidence, **data
                ),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Cycle started at the Plan stage.")
            return redirect("pdsa:cycle_detail", pk=cycle.pk)
    return render(request, "pdsa/cycle_create.html", {"form": form, "plan": plan})


def _cycle_context(request, cycle, **extra):
    can_edit = can_edit_practice(request.user, cycle.plan.practice)
    context = {
        "cycle": cycle,
        "plan": cycle.plan,
        "practice": cycle.plan.practice,
        "next_cycle": selectors.cycle_next(cycle),
        "can_edit": can_edit,
        "can_comment": can_comment_on_practice(request.user, cycle.plan.practice),
        "missing": services.cycle_missing_for_advance(cycle) if cycle.is_open else [],
        "history": selectors.cycle_history(cycle),
        "stages": [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE],
        "comment_form": CommentForm(),
        "question_form": QuestionForm(),
        "task_form": TaskForm(),
    }
    if can_edit and cycle.is_open and "form" not in extra:
        context["form"] = CycleStageForm(instance=cycle, plan=cycle.plan)
    context.update(extra)
    return context


@login_required
def cycle_detail(request, pk):
    cycle = selectors.cycle_detail(user=request.user, pk=pk)
    return render(request, "pdsa/cycle_detail.html", _cycle_context(request, cycle))


@login_required
def cycle_print(request, pk):
    cycle = selectors.cycle_detail(user=request.user, pk=pk)
    return render(request, "pdsa/cycle_print.html", {"cycle": cycle, "plan": cycle.plan})


@login_required
@require_POST
def cycle_edit(request, pk):
    cycle = _editable(PDSACycle.objects.select_related("plan__practice"), request.user, pk)
    form = CycleStageForm(request.POST, instance=cycle, plan=cycle.plan)
    if form.is_valid():
        try:
            services.cycle_update(
                cycle=selectors.as_saved(cycle),
                user=request.user,
                version=form.cleaned_data["version"],
                fields=form.stage_fields(),
                measures=form.cleaned_data.get("measures"),
                evidence=form.cleaned_data.get("evidence"),
                results=form.results(),
            )
        except services.StaleEditError as stale:
            cycle = selectors.cycle_detail(user=request.user, pk=pk)
            context = _cycle_context(request, cycle, form=form)
            return refuse_stale(request, form, stale, "pdsa/cycle_detail.html", context)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Worksheet saved.")
            return redirect("pdsa:cycle_detail", pk=pk)
    cycle = selectors.cycle_detail(user=request.user, pk=pk)
    return render(request, "pdsa/cycle_detail.html", _cycle_context(request, cycle, form=form))


def _stale_advance_message(current: PDSACycle) -> str:
    """What a refused "Move to ..." click says: the truth about the cycle as it is now."""
    if current.is_open:
        now = f"It is now at the {current.get_stage_display()} stage."
    else:
        now = f"It is now {current.get_stage_display().lower()}."
    return (
        "Someone else changed this cycle after you opened the page, so it was not moved on. "
        f"{now} Check the worksheet below, then move it on if it is ready."
    )


@login_required
@require_POST
def cycle_advance(request, pk):
    cycle = _editable(PDSACycle.objects, request.user, pk)
    form = CycleAdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("pdsa:cycle_detail", pk=pk)
    try:
        services.cycle_advance(
            cycle=cycle,
            user=request.user,
            version=form.version,
            from_stage=form.cleaned_data["stage"],
        )
    except services.StaleEditError as stale:
        messages.error(request, _stale_advance_message(stale.current))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The cycle is now at {cycle.get_stage_display()}.")
    return redirect("pdsa:cycle_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_abandon(request, pk):
    cycle = _editable(PDSACycle.objects.select_related("plan"), request.user, pk)
    form = AbandonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_abandon(
                cycle=cycle, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Cycle abandoned; the reason is kept on the worksheet.")
            return redirect("pdsa:cycle_detail", pk=pk)
    return render(request, "pdsa/cycle_abandon.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_next(request, pk):
    cycle = _editable(PDSACycle.objects, request.user, pk)
    try:
        new = create_once(
            request, None, lambda: services.cycle_start_next(cycle=cycle, user=request.user)
        )
    except (ValidationError, services.StaleEditError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("pdsa:cycle_detail", pk=pk)
    messages.success(request, f"Cycle {new.number} started, pre-filled from the last Act.")
    return redirect("pdsa:cycle_detail", pk=new.pk)


@login_required
@require_POST
def cycle_question_add(request, pk):
    cycle = _editable(PDSACycle.objects, request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda: services.cycle_question_add(
                    cycle=cycle, user=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Question added.")
            return redirect("pdsa:cycle_detail", pk=pk)
    else:
        messages.error(request, "Enter both the question and your prediction.")
    return redirect("pdsa:cycle_detail", pk=pk)


@login_required
@require_POST
def cycle_question_delete(request, pk):
    question = _editable(CycleQuestion.objects.select_related("cycle"), request.user, pk)
    try:
        services.cycle_question_delete(question=question, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("pdsa:cycle_detail", pk=question.cycle_id)


@login_required
@require_POST
def cycle_task_add(request, pk):
    cycle = _editable(PDSACycle.objects, request.user, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda: services.cycle_task_add(
                    cycle=cycle, user=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Task added.")
    else:
        messages.error(request, "A task needs what and who.")
    return redirect("pdsa:cycle_detail", pk=pk)


@login_required
@require_POST
def cycle_comment(request, pk):
    cycle = get_object_or_404(PDSACycle.objects.visible_to(request.user), pk=pk)
    if not PDSACycle.objects.commentable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        create_once(
            request,
            form,
            lambda: services.cycle_comment_add(
                cycle=cycle, author=request.user, body=form.cleaned_data["body"]
            ),
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(f"{cycle.get_absolute_url()}#comments")
