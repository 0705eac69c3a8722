from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("profile/", views.profile, name="profile"),
    path("register/", views.public_register, name="public_register"),
    path("register/<str:membership_number>/", views.public_entry, name="public_entry"),
]
