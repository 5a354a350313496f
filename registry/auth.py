"""Signing in, guarded: the client's address, the login lockout, the demo logins in
production, and API tokens that expire and die with the password.

The same guard stands in front of every door that takes a password (the sign-in page, the
admin's sign-in, ``POST /api/v1/auth/token/``) because all three call Django's
``authenticate()``, and ``LoginGuardBackend`` is the first backend it asks.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import logging
import secrets

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from registry import audit_actions

log = logging.getLogger(__name__)

# --- The client's address -------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request, for throttles and lockouts.

    ``X-Forwarded-For`` is written by whoever sends it: only the entries the trusted
    proxies in front of us appended can be believed. With ``TRUSTED_PROXY_COUNT`` = N the
    client is the N-th address from the right; with 0 (the default: nothing in front) it is
    the socket's peer. A header sent straight to the app, or a made-up left part of it,
    changes nothing (today a new header per request defeated the 120/min throttle).
    """
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning("X-Forwarded-For entry %r is not an address; using the peer", candidate)
    return remote


# --- The lockout and the demo logins ----------------------------------------------------------

DEMO_IN_PRODUCTION_ACTION = audit_actions.DEMO_ALLOWED_IN_PRODUCTION


def demo_allowed_in_production() -> bool:
    """True once ``seed_demo --allow-production`` has run on this database (it is audited)."""
    from registry.models import AuditEntry

    return AuditEntry.objects.filter(action=DEMO_IN_PRODUCTION_ACTION).exists()


def demo_logins_refused() -> bool:
    return not settings.DEBUG and not demo_allowed_in_production()


class LoginGuardBackend(AxesStandaloneBackend):
    """Asked first by ``authenticate()``: refuses locked-out clients and users (django-axes)
    and, in production, the demo's published password. It logs nobody in itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # In-process callers (a shell, a management command) have no client to lock out.
            return None
        request = getattr(request, "_request", request)  # DRF's Request wraps Django's
        if password is not None and _is_demo_password(password) and demo_logins_refused():
            request.demo_login_refused = True
            log.warning("refused a demo login for %r: DEBUG is off", username)
            # PermissionDenied stops authenticate() here; axes counts it as a failure.
            raise PermissionDenied("demo logins are off in production")
        return super().authenticate(request, username=username, password=password, **kwargs)


def _is_demo_password(password: str) -> bool:
    from registry.demo.context import DEMO_PASSWORD

    return constant_time_compare(password, DEMO_PASSWORD)


def demo_refused_message() -> str:
    return _(
        "Demo accounts cannot sign in on this server: it runs in production mode. "
        "Ask your unit's system administrator for your own account."
    )


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return _(
        "Too many failed sign-in attempts: this account or address is locked for %(minutes)s "
        "minutes. Your unit's system administrator can unlock it sooner."
    ) % {"minutes": minutes}


def login_page_context() -> dict:
    """The sign-in page's red warning when demo logins were allowed on a production server."""
    return {"demo_in_production": not settings.DEBUG and demo_allowed_in_production()}


# --- API tokens -------------------------------------------------------------------------------
# A token's key is a random part and a digest of it and the user's password hash, so a token
# made before a password change no longer matches whatever door changed it (the admin, the
# changepassword command, a service): no stored state, like Django's session auth hash.

_NONCE_CHARS = 24


def _mac(user, nonce: str) -> str:
    # A plain digest, not keyed with SECRET_KEY: it only has to change with the password
    # (a token must also exist in the table to count), and tokens then survive a process
    # that runs with another SECRET_KEY, or a key rotation.
    value = f"registry.auth.api_token:{nonce}:{user.pk}:{user.password}"
    return hashlib.sha256(value.encode()).hexdigest()[: 40 - _NONCE_CHARS]


def token_is_current(token: Token) -> bool:
    """Not expired, and made under the user's current password."""
    nonce, mac = token.key[:_NONCE_CHARS], token.key[_NONCE_CHARS:]
    if not constant_time_compare(mac, _mac(token.user, nonce)):
        return False
    lifetime = datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    return token.created + lifetime > timezone.now()


def token_for(user) -> Token:
    """The user's current token, or a new one when there is none or it is no longer current."""
    token = Token.objects.filter(user=user).select_related("user").first()
    if token is not None and token_is_current(token):
        return token
    Token.objects.filter(user=user).delete()
    nonce = secrets.token_hex(_NONCE_CHARS // 2)
    return Token.objects.create(user=user, key=nonce + _mac(user, nonce))


def tokens_revoke(user) -> None:
    Token.objects.filter(user=user).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token scheme, refusing tokens past ``API_TOKEN_TTL_HOURS`` or older than the
    user's password (the token is deleted: the client must ask for a new one)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not token_is_current(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired or the password has changed: ask for a new token.")
            )
        return user, token


def revoke_tokens_at_logout(sender, request, user, **kwargs) -> None:
    """Connected to ``user_logged_out``: every sign-out door (the portal's, the admin's)
    sends it, so signing out also ends the user's API token."""
    if user is not None:
        tokens_revoke(user)
