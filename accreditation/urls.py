"""Accreditation pages: each views module owns its URL patterns (centre side, candidates,
awards), all under the one `accreditation` namespace."""

from .views import awards, candidates, centre

app_name = "accreditation"

urlpatterns = [*centre.urlpatterns, *candidates.urlpatterns, *awards.urlpatterns]
