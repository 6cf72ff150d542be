"""The product's URLs plus /bench/trivial/ — the load benchmark's reference
(never part of suishin.urls)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from suishin.urls import handler400, handler403, handler404, handler500  # noqa: F401
from suishin.urls import urlpatterns as product


def trivial(request: HttpRequest) -> HttpResponse:
    """Signed-in, through every middleware, no query of its own, no template."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/trivial/", trivial), *product]
