from django.urls import path

from . import views

app_name = "exams"

urlpatterns = [
    path("", views.index, name="index"),
    path("practice/", views.practice, name="practice"),
    path("calibration/", views.calibration, name="calibration"),
    path("start/", views.start, name="start"),
    path("service/<slug:slug>/", views.service_quiz, name="service_quiz"),
    path("<int:pk>/<int:number>/", views.question, name="question"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/retake/", views.retake, name="retake"),
]
