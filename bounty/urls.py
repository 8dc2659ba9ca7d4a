from django.urls import path

from . import views, views_board

app_name = "bounty"

urlpatterns = [
    # Public board (anonymous visitors welcome) and the bureau's exports.
    path("challenges/", views_board.board, name="board"),
    path("challenges/export/<str:fmt>/", views_board.export, name="export"),
    # Issuer: my challenges, the editor.
    path("my/challenges/", views.my_challenges, name="my_challenges"),
    path("my/challenges/new/", views.challenge_create, name="challenge_create"),
    path("challenges/<str:ocid>/edit/", views.challenge_edit, name="challenge_edit"),
    path("challenges/<str:ocid>/submit/", views.challenge_submit, name="challenge_submit"),
    # Bureau: vetting queue, decisions, amendments.
    path("bureau/challenges/", views.vetting_queue, name="vetting_queue"),
    path("challenges/<str:ocid>/decide/", views.challenge_decide, name="challenge_decide"),
    path("challenges/<str:ocid>/amend/", views.challenge_amend, name="challenge_amend"),
    # Clarifications.
    path("challenges/<str:ocid>/ask/", views.clarification_ask, name="clarification_ask"),
    path(
        "challenges/<str:ocid>/answer/<int:pk>/",
        views.clarification_answer,
        name="clarification_answer",
    ),
    path("challenges/<str:ocid>/", views.challenge_detail, name="challenge_detail"),
]
