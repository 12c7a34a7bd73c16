"""The in-app list of what was sent to a person, and their message preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from messaging import selectors, services
from messaging.forms import PreferenceForm
from messaging.models import Message


@login_required
def message_list(request):
    context = {
        "sent_messages": selectors.messages_for(user=request.user),
        "form": PreferenceForm(instance=services.preference_for(request.user)),
    }
    return render(request, "messaging/message_list.html", context)


@login_required
def message_detail(request, pk):
    message = get_object_or_404(Message.objects.visible_to(request.user), pk=pk)
    return render(request, "messaging/message_detail.html", {"message": message})


@login_required
@require_POST
def message_preferences(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your message choices are saved.")
    return redirect("message_list")
