from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("profile/", views.profile, name="profile"),
]
