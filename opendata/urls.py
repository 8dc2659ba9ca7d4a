"""Included by the API under /api/v1/ocds/."""

from django.urls import path

from . import api

app_name = "opendata"

urlpatterns = [
    path("releases/", api.ReleaseFeedView.as_view(), name="releases"),
    path("challenges/<str:ocid>/package/", api.ChallengePackageView.as_view(), name="package"),
    path(
        "calls/<int:year>/<int:batch>/package/",
        api.CallPackageView.as_view(),
        name="call_package",
    ),
]
