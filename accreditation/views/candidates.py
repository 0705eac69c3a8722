"""Centre pages for candidates and their attempts, and the candidate's own page (R9.4-R9.7)."""

urlpatterns: list = []
