"""Logins: bounded sessions and the second factor.

- ``SessionLifetimeMiddleware`` ends a session after ``SESSION_IDLE_SECONDS`` without a
  request, and ``SESSION_MAX_SECONDS`` after it began, whatever the activity.
- ``MFARequiredMiddleware`` lets a user whose password was accepted no further than the
  enrolment or verification page until their second factor is verified: every user when
  ``MFA_REQUIRED`` (production), otherwise a user who enrolled.
- ``client_ip``: the client's address for django-axes (``TRUSTED_PROXY_COUNT``).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

SESSION_STARTED = "rcd_session_started"
SESSION_LAST_SEEN = "rcd_session_last_seen"
# The last request's time is written at most this often (each write is a session save).
LAST_SEEN_RESOLUTION = 60


def client_ip(request) -> str | None:
    """The connection's address or, behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address
    the outermost trusted proxy saw (X-Forwarded-For, read from the right)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def session_started(request) -> None:
    """Mark the session of a user who just logged in (its absolute lifetime starts now).
    Connected to ``user_logged_in`` (``AccountsConfig.ready``), so that every way of logging in
    (the login form, the admin's, a test's ``force_login``) starts the clock."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED)
            last_seen = session.get(SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                session_started(request)  # a session opened before these limits existed
            elif (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(request, _("Votre session a expiré : reconnectez-vous."))
                if request.headers.get("HX-Request"):
                    response = redirect(settings.LOGIN_URL)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            elif now - last_seen >= LAST_SEEN_RESOLUTION:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Pages a user may open between the password and the second factor.
MFA_OPEN_URLS = (
    "accounts:mfa_setup",
    "accounts:mfa_verify",
    "accounts:logout",
    "set_language",
    "core:healthz",
)


def mfa_needed(user) -> bool:
    """Whether this logged-in user must verify a second factor in this session."""
    if user.is_verified():
        return False
    return settings.MFA_REQUIRED or user_has_device(user, confirmed=True)


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: set[str] | None = None
        self._static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def open_paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in MFA_OPEN_URLS}
        return self._open_paths

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.path not in self.open_paths()
            and not request.path.startswith(self._static_prefix)
            and mfa_needed(user)
        ):
            enrolled = user_has_device(user, confirmed=True)
            target = "accounts:mfa_verify" if enrolled else "accounts:mfa_setup"
            url = reverse(target)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            if request.headers.get("HX-Request"):
                response = redirect(url)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)
