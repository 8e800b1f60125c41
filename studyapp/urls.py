from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from studyapp.web import health

urlpatterns = [
    path("healthz/", health, name="health"),
    # Pages name their icon; browsers still ask for /favicon.ico where one does not (the admin).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("studyapp.accounts.urls")),
    path("exams/", include("studyapp.exams.urls")),
    path("", include("studyapp.review.urls")),
    path("", include("studyapp.notes.urls")),
]
