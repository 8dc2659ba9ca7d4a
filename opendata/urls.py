"""Included by the API under /api/v1/ocds/."""

from django.urls import path

from . import api

app_name = "opendata"

urlpatterns = [
    path("releases/", api.ReleaseFeedView.as_view(), name="releases"),
    path("challenges/<str:ocid>/package/", api.ChallengePackageView.as_view(), name="package"),
]
