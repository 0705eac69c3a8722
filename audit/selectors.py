"""Reads for the evidence audit, with the query shape decided here."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from cpd.models import Evidence
from register.models import Registrant

from .models import AuditCase, AuditItem


def cases_for(*, registrant: Registrant) -> QuerySet[AuditCase]:
    """A registrant's audits with their activities and evidence, in a fixed number of queries."""
    items = AuditItem.objects.select_related("activity__activity_type").prefetch_related(
        Prefetch("activity__evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
    )
    return (
        AuditCase.objects.filter(registrant=registrant)
        .prefetch_related(Prefetch("items", queryset=items.order_by("pk")))
        .order_by("-opened_at", "-pk")
    )


def item_for_owner(*, registrant: Registrant, pk: int) -> AuditItem:
    """One of the registrant's own audit items, or 404 (another's is never revealed)."""
    return get_object_or_404(
        AuditItem.objects.select_related("case", "activity"), pk=pk, case__registrant=registrant
    )
