from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class ScopedAuthenticationForm(AuthenticationForm):
    """Login that refuses accounts without a scope org unit, rather than letting them see everything."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # One generic message for any wrong username or password: nothing tells which was wrong.
        "invalid_login": _("Wrong username or password."),
        "no_scope": _(
            "Your account has no org unit assigned, so it cannot be used yet. "
            "Ask the district administrator to assign one."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not getattr(user, "scope_id", None):
            raise forms.ValidationError(self.error_messages["no_scope"], code="no_scope")
