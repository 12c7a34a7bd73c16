"""Pages of the evidence library: search for everyone signed in, curation for curators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from evidence import selectors, services
from evidence.forms import EvidenceItemForm, RetireForm, SearchForm
from evidence.models import EvidenceItem
from practices.access import can_curate_evidence
from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once
from qiproject.locking import StaleEditError, refuse_stale


@login_required
def evidence_list(request):
    is_curator = can_curate_evidence(request.user)
    form = SearchForm(request.GET or None, topics=selectors.topic_list(), show_status=is_curator)
    filters = selectors.Filters(**form.cleaned_data) if form.is_valid() else selectors.Filters()
    search = selectors.evidence_search(
        user=request.user, filters=filters, page=request.GET.get("page")
    )
    context = {
        "form": form,
        "filters": filters,
        "search": search,
        "is_curator": is_curator,
    }
    return render(request, "evidence/evidence_list.html", context)


@login_required
def evidence_detail(request, pk):
    item = selectors.evidence_detail(user=request.user, pk=pk)
    context = {
        "item": item,
        "usage": selectors.evidence_usage(item=item, user=request.user),
        "is_curator": can_curate_evidence(request.user),
        "retire_form": RetireForm(),
    }
    return render(request, "evidence/evidence_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_create(request):
    if not can_curate_evidence(request.user):
        raise Http404
    form = EvidenceItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        topics = list(data.pop("topics"))
        try:
            item = create_once(
                request,
                form,
                lambda: services.evidence_create(curator=request.user, topics=topics, **data),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Draft saved. Publish it when it is ready for readers.")
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "evidence/evidence_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk):
    item = get_object_or_404(EvidenceItem.objects.curated_by(request.user), pk=pk)
    form = EvidenceItemForm(request.POST if request.method == "POST" else None, instance=item)
    context = {"form": form, "item": item}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        topics = list(data.pop("topics"))
        try:
            item = services.evidence_update(
                item=item, by=request.user, version=version, topics=topics, **data
            )
        except StaleEditError as stale:
            return refuse_stale(request, form, stale, "evidence/evidence_form.html", context)
        except ValidationError as error:
            # A validation error belongs next to its field; the version is left as it was.
            add_validation_error(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "evidence/evidence_form.html", context)


@login_required
@require_POST
def evidence_publish(request, pk):
    item = get_object_or_404(EvidenceItem.objects.curated_by(request.user), pk=pk)
    services.evidence_publish(item=item, by=request.user)
    messages.success(request, "Published: practice users can now read it.")
    return redirect("evidence:detail", pk=item.pk)


@login_required
@require_POST
def evidence_retire(request, pk):
    item = get_object_or_404(EvidenceItem.objects.curated_by(request.user), pk=pk)
    form = RetireForm(request.POST)
    if form.is_valid():
        services.evidence_retire(
            item=item, by=request.user, reason=form.cleaned_data["retired_reason"]
        )
        messages.success(request, "Retired: readers now see it as retired where it was linked.")
        return redirect("evidence:detail", pk=item.pk)
    context = {
        "item": item,
        "usage": selectors.evidence_usage(item=item, user=request.user),
        "is_curator": True,
        "retire_form": form,
    }
    return render(request, "evidence/evidence_detail.html", context, status=400)


@login_required
def evidence_history(request, pk):
    item = get_object_or_404(EvidenceItem.objects.curated_by(request.user), pk=pk)
    changes = selectors.evidence_history(item=item)
    return render(request, "evidence/evidence_history.html", {"item": item, "changes": changes})
