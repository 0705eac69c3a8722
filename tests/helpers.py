"""Helpers shared by tests."""

from imi_portal.traced import untraced


def force_update(queryset, **fields) -> int:
    """Set up test data with a bulk UPDATE that skips the history (imi_portal.traced): only
    for arranging a test, never what the portal itself does."""
    with untraced():
        return queryset.all().update(**fields)
