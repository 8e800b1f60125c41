from django.contrib import admin
from django.urls import include, path

from studyapp.web import health

urlpatterns = [
    path("healthz/", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("studyapp.accounts.urls")),
    path("exams/", include("studyapp.exams.urls")),
    path("", include("studyapp.review.urls")),
    path("", include("studyapp.notes.urls")),
]
