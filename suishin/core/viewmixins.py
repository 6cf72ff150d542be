"""Shared view plumbing: permission checks go through accounts.scoping."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from suishin.accounts.scoping import has_perm
from suishin.core.errors import DomainError


class PermRequiredMixin:
    """Class-based views: set `perm` to a scoping.Perm; 403 without it."""

    perm: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.perm is not None and not has_perm(request.user, self.perm):
            raise PermissionDenied("この操作を行う権限がありません。")
        return super().dispatch(request, *args, **kwargs)


def perm_required(perm: str):
    """Function views: @perm_required(Perm.X)."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied("この操作を行う権限がありません。")
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        wrapped.required_perm = perm
        return wrapped

    return decorator


def domain_error_to_form(request, form, error: DomainError) -> None:
    """Show a DomainError next to its field (or above the form)."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)
    messages.error(request, error.message)
