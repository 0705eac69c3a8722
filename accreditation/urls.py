from django.urls import path

from . import views

app_name = "accreditation"

urlpatterns = [
    path("", views.my_centre, name="my_centre"),
]
