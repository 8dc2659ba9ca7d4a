"""Included in bounty/urls.py (the one ``bounty:`` namespace)."""

from django.urls import path

from bounty.sealing import views

urlpatterns = [
    path("challenges/<str:ocid>/sealing/", views.challenge_sealing, name="challenge_sealing"),
    path("bids/<str:reference>/unseal/", views.bid_unseal, name="bid_unseal"),
]
