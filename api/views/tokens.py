"""Web pages: my personal API tokens (create — the key is shown once —, list, revoke)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from api.models import ApiToken, Scope
from api.services import token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “provincial project system”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=Scope.choices, initial=Scope.READ
    )


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, key = token_create(by=request.user, **form.cleaned_data)
            except ActionRefused as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                created = {"token": token, "key": key}
                form = TokenForm()
        else:
            status = 400
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
        status=status,
    )
    if created:
        response["Cache-Control"] = "no-store"  # the key must not stay in a cache
    return response


@login_required
@require_POST
def token_revoke_view(request, pk):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    try:
        token_revoke(token=token, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
