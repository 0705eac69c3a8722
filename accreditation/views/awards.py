"""Certificates and the public verification page (R9.11)."""

urlpatterns: list = []
