from django.urls import path

from . import export_views, views

app_name = "cpd"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/preview/", views.activity_preview, name="activity_preview"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("drafts/<str:key>/", views.draft_save, name="draft_save"),
    path("drafts/<str:key>/discard/", views.draft_discard, name="draft_discard"),
    path("plan/", views.objective_list, name="objective_list"),
    path("plan/new/", views.objective_edit, name="objective_new"),
    path("plan/<int:pk>/", views.objective_edit, name="objective_edit"),
    path("record.pdf", export_views.record_pdf, name="record_pdf"),
    path("my-data.json", export_views.data_json, name="data_json"),
]
