from django.urls import path

from . import pages

urlpatterns = [
    path("api-nycklar/", pages.token_list, name="api-tokens"),
    path("api-nycklar/<int:pk>/aterkalla/", pages.token_revoke, name="api-token-revoke"),
]
