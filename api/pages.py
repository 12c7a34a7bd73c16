"""The person's own API tokens page: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, services
from api.forms import TokenForm
from api.models import ApiToken
from qiproject.forms import add_validation_error
from qiproject.idempotency import create_once
from qiproject.uniqueness import unique_violation_as_error

# The new token's secret waits in the session for the one page that shows it, then goes.
NEW_TOKEN = "api_new_token"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            new = services.token_create(user=request.user, **form.cleaned_data)
            request.session[NEW_TOKEN] = {"id": new.api_token.pk, "token": new.token}
            return new.api_token

        try:
            with unique_violation_as_error(form, model=ApiToken):
                create_once(request, form, create)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect("api_tokens")
    context = {
        "tokens": selectors.tokens_for(request.user),
        "form": form,
        "new_token": request.session.pop(NEW_TOKEN, None),
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    api_token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    services.token_revoke(api_token=api_token)
    messages.success(request, f"“{api_token.name}” is revoked: it no longer opens the API.")
    return redirect("api_tokens")
