"""A single-file Django project: CSRF middleware on, templates rendered by Django's engine,
a form, a JSON view and a file upload, served as `application = get_wsgi_application()`."""

import hashlib
import json

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="akkawsgi-test-secret-not-for-production",
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    MIDDLEWARE=[
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ],
    INSTALLED_APPS=[],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
                "APP_DIRS": False, "OPTIONS": {}}],
    USE_TZ=True,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402  (needs settings first)
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

FORM_PAGE = """<!doctype html>
<html><head><title>{{ title }}</title></head><body>
<h1>{{ title }}</h1>
<ul>{% for item in items %}<li>item:{{ forloop.counter }}:{{ item|upper }}</li>{% endfor %}</ul>
<form method="post" action="/form/">{% csrf_token %}<input type="text" name="name"></form>
</body></html>"""

THANKS_PAGE = "<p>Hello, {{ name }}! ({{ length }} characters)</p>"


def _render(source, request, context):
    return HttpResponse(engines["django"].from_string(source).render(context, request))


def form_view(request):
    if request.method == "POST":
        name = request.POST.get("name", "")
        return _render(THANKS_PAGE, request, {"name": name, "length": len(name)})
    return _render(FORM_PAGE, request, {"title": "Django on akkawsgi",
                                        "items": ["alpha", "beta", "gamma"]})


@csrf_exempt
def api_echo(request):
    data = json.loads(request.body.decode("utf-8"))
    return JsonResponse({"received": data, "total": sum(data.get("numbers", [])),
                         "server": "django"})


def upload(request):
    uploaded = request.FILES["file"]
    content = uploaded.read()
    return JsonResponse({"filename": uploaded.name, "size": len(content),
                         "sha256": hashlib.sha256(content).hexdigest(),
                         "description": request.POST.get("description", "")})


urlpatterns = [
    path("form/", form_view),
    path("api/echo/", api_echo),
    path("upload/", upload),
]

application = get_wsgi_application()
