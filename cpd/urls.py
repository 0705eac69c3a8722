from django.urls import path

from . import export_views, views

app_name = "cpd"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("record.pdf", export_views.record_pdf, name="record_pdf"),
    path("my-data.json", export_views.data_json, name="data_json"),
]
