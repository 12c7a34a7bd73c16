"""Pages of the ideas exchange: practices share change ideas with the other practices of
their programme, who browse them, comment and copy them into their own driver diagram.

Shared ideas load through `SharedIdea.objects.visible_to(user)`: another programme's idea,
an unshared one or a withdrawn one is a 404. Sharing needs an editor of the idea's practice;
commenting, a member (patient representatives included) or facilitator in the programme;
copying, an editor of a plan in the programme (patient representatives and leads cannot).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pdsa import selectors, services
from pdsa.forms import CommentForm, CopyForm, ExchangeFilterForm, ShareForm
from pdsa.models import ChangeIdea, SharedIdea, display_ramp
from qiproject.idempotency import create_once


@login_required
def exchange_list(request):
    practices = selectors.exchange_practices(user=request.user)
    form = ExchangeFilterForm(request.GET or None, practices=practices)
    filters = selectors.ExchangeFilters()
    if form.is_valid():
        filters = selectors.ExchangeFilters(**form.cleaned_data)
    ideas = selectors.exchange_list(user=request.user, filters=filters)
    return render(request, "pdsa/exchange_list.html", {"form": form, "ideas": ideas})


def _detail_context(request, shared, **extra):
    user = request.user
    plans = selectors.copy_targets(user=user, shared_idea=shared)
    context = {
        "shared": shared,
        "can_comment": SharedIdea.objects.commentable_by(user).filter(pk=shared.pk).exists(),
        "can_manage": SharedIdea.objects.managed_by(user).filter(pk=shared.pk).exists(),
        "comment_form": CommentForm(),
        "copy_form": CopyForm(plans=plans) if plans else None,
    }
    context.update(extra)
    return context


@login_required
def exchange_detail(request, pk):
    shared = selectors.exchange_detail(user=request.user, pk=pk)
    return render(request, "pdsa/exchange_detail.html", _detail_context(request, shared))


@login_required
@require_POST
def exchange_comment(request, pk):
    shared = get_object_or_404(SharedIdea.objects.visible_to(request.user), pk=pk)
    if not SharedIdea.objects.commentable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied("You can read shared ideas but not comment on them.")
    form = CommentForm(request.POST)
    if form.is_valid():
        create_once(
            request,
            form,
            lambda: services.idea_comment_add(
                shared_idea=shared, author=request.user, body=form.cleaned_data["body"]
            ),
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(f"{shared.get_absolute_url()}#comments")


@login_required
@require_POST
def exchange_copy(request, pk):
    shared = get_object_or_404(
        SharedIdea.objects.visible_to(request.user).select_related("practice"), pk=pk
    )
    plans = selectors.copy_targets(user=request.user, shared_idea=shared)
    if not plans:
        raise PermissionDenied("Copying needs a plan of yours to copy into.")
    form = CopyForm(request.POST, plans=plans)
    if form.is_valid():
        plan, driver = form.cleaned_data["target"]
        try:
            idea = create_once(
                request,
                form,
                lambda: services.idea_copy(shared_idea=shared, plan=plan, driver=driver),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"“{idea.title}” copied into your driver diagram under “{idea.driver}”."
            )
            return redirect(f"{plan.get_absolute_url()}#dd-heading")
    else:
        messages.error(request, "Choose where to copy the idea.")
    return redirect(shared.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def idea_share(request, pk):
    idea = get_object_or_404(
        ChangeIdea.objects.visible_to(request.user).select_related(
            "plan__practice", "driver__parent"
        ),
        pk=pk,
    )
    if not ChangeIdea.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Only the practice team shares its ideas.")
    current = selectors.current_share(idea)
    initial = {"summary": current.summary} if current else {}
    form = ShareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shared = create_once(
            request,
            form,
            lambda: services.idea_share(
                change_idea=idea, user=request.user, summary=form.cleaned_data["summary"]
            ),
        )
        messages.success(request, "Shared with the other practices of the programme.")
        return redirect(shared.get_absolute_url())
    cycles, evidence = selectors.idea_share_story(idea)
    context = {
        "idea": idea,
        "plan": idea.plan,
        "practice": idea.plan.practice,
        "form": form,
        "current": current,
        "ramp": display_ramp(services.ramp_snapshot(cycles)),
        "evidence": evidence,
    }
    return render(request, "pdsa/idea_share.html", context)


@login_required
@require_POST
def idea_withdraw(request, pk):
    shared = get_object_or_404(
        SharedIdea.objects.managed_by(request.user), change_idea_id=pk, withdrawn_at__isnull=True
    )
    services.idea_share_withdraw(shared_idea=shared)
    messages.success(request, "No longer shared: other practices cannot see it now.")
    return redirect("pdsa:plan_drivers", pk=shared.change_idea.plan_id)
