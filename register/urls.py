from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("profile/", views.profile, name="profile"),
    path("support/", views.support_requests, name="support"),
    path("appeal/", views.appeal, name="appeal"),
    path("staff/", views.staff_overview, name="staff_overview"),
    path("register/", views.public_register, name="public_register"),
    path("register/<str:membership_number>/", views.public_entry, name="public_entry"),
]
