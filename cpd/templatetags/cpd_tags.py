from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent_of(value: Decimal, total: Decimal) -> str:
    """`value` as a share of `total`, 0-100, for bar widths (capped at 100)."""
    if not total:
        return "0"
    share = min(Decimal(value) / Decimal(total), Decimal(1)) * 100
    return f"{share:.1f}"


@register.filter
def credits(value: Decimal | None) -> str:
    """12.50 -> 12.5, 430.00 -> 430: credits as people write them."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
