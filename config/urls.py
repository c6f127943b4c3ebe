from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("assistans.urls")),
    path("", include("billing.urls")),
    path("", include("scheduling.urls")),
    path("", include("scheduling.urls_changes")),
    path("", include("audit.urls")),
    path("api/", include("api.urls")),
    path("", include("api.pages_urls")),
]
