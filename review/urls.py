from django.urls import path

from review import views
from review.pool import views as views_pool

app_name = "review"

urlpatterns = [
    # The expert pool (bureau) and experts' own profiles.
    path("experts/", views_pool.pool_list, name="pool"),
    path("experts/import/", views_pool.pool_import, name="pool_import"),
    path("experts/export/<str:fmt>/", views_pool.pool_export, name="pool_export"),
    path("experts/me/", views_pool.my_profile, name="my_profile"),
    path("experts/<str:code>/", views_pool.expert_detail, name="expert_detail"),
    # Draws (bureau + supervisor).
    path("challenges/<str:ocid>/draws/", views.draw_list, name="draw_list"),
    path("challenges/<str:ocid>/draws/new/", views.draw_create, name="draw_create"),
    path("challenges/<str:ocid>/exclusions/", views.exclusions, name="exclusions"),
    path("declarations/<int:pk>/rule/", views.declaration_rule, name="declaration_rule"),
    path("panels/<str:kind>/<int:pk>/draw/", views.panel_draw_create, name="panel_draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/step/", views.draw_step, name="draw_step"),
    path("draws/<int:pk>/bundle.json", views.draw_bundle, name="draw_bundle"),
    # Experts' invitations and declarations.
    path("invitations/", views.my_invitations, name="my_invitations"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/score/<int:bid_pk>/", views.score_bid, name="score_bid"),
    path("invitations/<int:pk>/submit/", views.scores_submit, name="scores_submit"),
    path("challenges/<str:ocid>/ranking/", views.ranking, name="ranking"),
    path("challenges/<str:ocid>/award/", views.award_step, name="award_step"),
    path("notices/", views.notices, name="notices"),
    path("feedback/<str:reference>/", views.feedback, name="feedback"),
    path("notices/<str:ocid>/", views.notice, name="notice"),
]
