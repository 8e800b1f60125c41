from django.urls import path, re_path

from . import note_pages, views

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.session, name="session"),
    path("stats/", views.stats, name="stats"),
    path("review/settings/", views.study_settings, name="settings"),
    path("review/settings/workload/", views.workload_forecast, name="workload"),
    path("review/settings/fit/", views.fit_parameters, name="fit"),
    path("review/settings/fit/<int:pk>/", views.fit_status, name="fit_status"),
    path("review/settings/fit/previous/", views.previous_parameters, name="previous_parameters"),
    path("review/suspended/", views.suspended, name="suspended"),
    path("review/suspended/<int:pk>/unsuspend/", views.unsuspend, name="unsuspend"),
    re_path(r"^review/history\.(?P<fmt>csv|json)$", views.history, name="history"),
    # The notes' own addresses (reversed as notes:index, notes:service and notes:document), reached
    # here first: these views add the learner's study to the notes' pages (review.note_pages).
    path("notes/", note_pages.notes_index, name="notes_index"),
    path("notes/services/<slug:slug>/", note_pages.service_page, name="service_page"),
    path("notes/docs/<slug:slug>/", note_pages.document_page, name="document_page"),
]
