"""The provider admin's page for personal API tokens: make one (its secret is
shown once), see them all, revoke one. Anyone else gets a 404, and so does
another provider's token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistans.models import Membership
from assistans.selectors import membership_of

from . import tokens
from .forms import TokenForm
from .models import ApiToken


def _admin_membership(request) -> Membership:
    membership = membership_of(request.user)
    if membership is None or membership.role != Membership.Role.ADMIN:
        raise Http404("not a provider admin")
    return membership


@login_required
def token_list(request):
    membership = _admin_membership(request)
    form = TokenForm(request.POST or None, provider=membership.provider)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = tokens.create_token(
                provider=membership.provider,
                owner=form.cleaned_data["owner"],
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                created_by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Shown in this answer only: the secret is never stored in clear,
            # not even in the session for a redirect.
            form = TokenForm(provider=membership.provider)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(provider=membership.provider).select_related("owner"),
        "new_token": new_token,
    }
    response = render(request, "api/tokens.html", context)
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    membership = _admin_membership(request)
    token = get_object_or_404(ApiToken, pk=pk, provider=membership.provider)
    if tokens.revoke_token(token=token):
        messages.success(
            request, _("Nyckeln ”%(name)s” är återkallad och fungerar inte längre.") % {"name": token.name}
        )
    return redirect("api-tokens")
