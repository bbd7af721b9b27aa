"""Django JSON endpoint for the benchmarks: one URL, a small dict through JsonResponse, Django's default middleware."""
import django
from django.conf import settings
from django.http import JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()


def index(request):
    return JsonResponse({"message": "Hello, World!", "items": [1, 2, 3], "ok": True})


urlpatterns = [path("", index)]

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings, as Django requires)

application = get_wsgi_application()
