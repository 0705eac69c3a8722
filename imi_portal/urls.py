from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views

# The admin signs in through allauth, so staff go through two-factor authentication there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "IMI portal administration"
admin.site.site_title = "IMI portal admin"
admin.site.index_title = "Staff administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/api-token/", account_views.api_token, name="api_token"),
    path("accounts/api-token/create/", account_views.api_token_create, name="api_token_create"),
    path("accounts/api-token/revoke/", account_views.api_token_revoke, name="api_token_revoke"),
    path("", include("register.urls")),
    path("cpd/", include("cpd.urls")),
    path("", include("accreditation.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("imi_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
