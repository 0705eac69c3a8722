from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="item_evidence"),
]
