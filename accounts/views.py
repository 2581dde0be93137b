"""Login, second factor, passwords, sessions, and the administrator's page of the organisation's
logins. Thin: the writes are ``accounts.services``, the reads ``accounts.selectors``."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from core.access import role_required
from core.forms import apply_errors
from core.roles import Role

from . import selectors, services
from .forms import TokenForm


class LoginView(auth_views.LoginView):
    """The password step (django-axes counts its failures); the session's clock starts at
    ``user_logged_in`` (``accounts.middleware.session_started``), the second factor follows
    (``MFARequiredMiddleware``)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The new password chosen through the e-mailed link also unlocks the account."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_failures_clear(user=form.user)
        return response


def _next_url(request, default: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse_lazy(default)


@login_required
def account(request):
    """The user's own logins: password, second factor, sessions."""
    return render(
        request,
        "accounts/account.html",
        {
            "mfa_enrolled": user_has_device(request.user, confirmed=True),
            "mfa_required": settings.MFA_REQUIRED,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
            "max_hours": settings.SESSION_MAX_SECONDS // 3600,
        },
    )


@login_required
def mfa_setup(request):
    """Enrol an authenticator app (TOTP): scan the QR code, type a code; the recovery codes are
    then shown, once. A user who already has one must have verified it in this session."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("accounts:mfa_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.mfa_enrolment_confirm(
                user=user, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            otp_login(request, device)
            messages.success(request, _("La double authentification est activée."))
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    device = services.mfa_enrolment_device(user=user)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
            "secret": _base32(device.bin_key),
            "required": settings.MFA_REQUIRED,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _base32(key: bytes) -> str:
    """The secret as typed by hand into an authenticator app (groups of four)."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def mfa_verify(request):
    """The second step of a login: a code of the authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        throttled = False
        for device in devices_for_user(user, confirmed=True):
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error(
            "token",
            _("Trop de codes erronés : patientez un instant avant de réessayer.")
            if throttled
            else _("Ce code n'est pas valable."),
        )
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@require_POST
@login_required
def mfa_recovery_codes(request):
    """New recovery codes (the former ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    codes = services.mfa_recovery_codes_renew(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": ""})


@require_POST
@login_required
def logout_everywhere(request):
    services.user_sessions_end(user=request.user)
    logout(request)
    messages.success(request, _("Toutes vos sessions ont été fermées."))
    return redirect(settings.LOGIN_URL)


@role_required(Role.ADMINISTRATOR)
def security(request):
    """The organisation's logins: locked accounts (to unlock), second factors (to reset), and
    the latest logins accepted or refused, with their address."""
    return render(
        request,
        "accounts/security.html",
        {
            "members": selectors.organisation_members_security(actor=request.user),
            "events": selectors.organisation_login_events(actor=request.user),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


@require_POST
@role_required(Role.ADMINISTRATOR)
def member_unlock(request, pk: int):
    member = selectors.organisation_member(actor=request.user, pk=pk)
    services.account_unlock(actor=request.user, member=member)
    messages.success(request, _("Le compte de %(name)s est débloqué.") % {"name": member})
    return redirect("accounts:security")


@require_POST
@role_required(Role.ADMINISTRATOR)
def member_mfa_reset(request, pk: int):
    member = selectors.organisation_member(actor=request.user, pk=pk)
    services.mfa_reset(actor=request.user, member=member)
    messages.success(
        request,
        _(
            "La double authentification de %(name)s est réinitialisée : nouvelle inscription à sa "
            "prochaine connexion."
        )
        % {"name": member},
    )
    return redirect("accounts:security")


def lockout(request, credentials, *args, **kwargs):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the lockout page,
    HTTP 429, in the user's language."""
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
