from django.http import HttpRequest

from .navigation import links_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": []}
    current = request.path
    links = [
        {"label": link.label, "url": link.url, "current": link.url == current}
        for link in links_for(user)
    ]
    return {"nav_links": links}
