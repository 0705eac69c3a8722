from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import links_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": []}

    def links() -> list[dict[str, object]]:
        current = request.path
        return [
            {"label": link.label, "url": link.url, "current": link.url == current}
            for link in links_for(user)
        ]

    # Worked out only when a page shows the navigation: the admin's pages don't, so they don't
    # pay for the checks some links make (whether someone is a candidate is a query).
    return {"nav_links": SimpleLazyObject(links)}
