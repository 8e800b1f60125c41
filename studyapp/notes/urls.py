from django.urls import path

from . import views

app_name = "notes"

urlpatterns = [
    path("notes/", views.notes_index, name="index"),
    path("notes/services/<slug:slug>/", views.service_detail, name="service"),
    path("notes/docs/<slug:slug>/", views.document_detail, name="document"),
    path("notes/tables/", views.table_list, name="tables"),
    path("notes/tables/<str:key>/", views.table_detail, name="table"),
    path("notes/upload/", views.upload, name="upload"),
    path("notes/upload/<int:pk>/", views.upload_status, name="upload_status"),
    path("search/", views.search, name="search"),
]
