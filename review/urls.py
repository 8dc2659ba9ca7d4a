from django.urls import path

from review.award import exit_views
from review.award import views as award_views
from review.draw import views as draw_views
from review.fees import views as fee_views
from review.needs import views as need_views
from review.pool import views as pool_views
from review.ratings import views as rating_views
from review.scoring import views as scoring_views

app_name = "review"

urlpatterns = [
    # The expert pool (bureau) and experts' own profiles.
    path("experts/", pool_views.pool_list, name="pool"),
    path("experts/import/", pool_views.pool_import, name="pool_import"),
    path("experts/export/<str:fmt>/", pool_views.pool_export, name="pool_export"),
    path("experts/me/", pool_views.my_profile, name="my_profile"),
    path("experts/<str:code>/", pool_views.expert_detail, name="expert_detail"),
    # Expert ratings per panel and removal through due process (bureau).
    path("experts/<str:code>/removal/", rating_views.expert_removal, name="expert_removal"),
    path("draws/<int:pk>/ratings/", rating_views.panel_ratings, name="panel_ratings"),
    # Draws (bureau + supervisor).
    path("challenges/<str:ocid>/draws/", draw_views.draw_list, name="draw_list"),
    path("challenges/<str:ocid>/draws/new/", draw_views.draw_create, name="draw_create"),
    # The public record of the draws (no log-in): commitments, pool hash, named public value.
    path("challenges/<str:ocid>/draws/public/", draw_views.draws_public, name="draws_public"),
    path("challenges/<str:ocid>/exclusions/", draw_views.exclusions, name="exclusions"),
    path("declarations/<int:pk>/rule/", draw_views.declaration_rule, name="declaration_rule"),
    path(
        "panels/<str:kind>/<int:pk>/draw/", draw_views.panel_draw_create, name="panel_draw_create"
    ),
    # The expert vetting of a need (需求论证) before it is published (bureau).
    path("challenges/<str:ocid>/need-vetting/", need_views.need_vetting, name="need_vetting"),
    path(
        "challenges/<str:ocid>/need-vetting/draw/",
        need_views.need_vetting_draw,
        name="need_vetting_draw",
    ),
    path("draws/<int:pk>/", draw_views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/step/", draw_views.draw_step, name="draw_step"),
    path("draws/<int:pk>/bundle.json", draw_views.draw_bundle, name="draw_bundle"),
    # Expert fees (专家咨询费) per panel and per period, for the finance office (bureau).
    path("fees/", fee_views.fee_list, name="fees"),
    path("fees/export.xlsx", fee_views.fee_export, name="fee_export"),
    path("draws/<int:pk>/fees/", fee_views.draw_fees, name="draw_fees"),
    # Experts' invitations and declarations.
    path("invitations/", draw_views.my_invitations, name="my_invitations"),
    path("invitations/<int:pk>/", draw_views.invitation, name="invitation"),
    path("invitations/<int:pk>/score/<int:bid_pk>/", scoring_views.score_bid, name="score_bid"),
    path("invitations/<int:pk>/submit/", scoring_views.scores_submit, name="scores_submit"),
    path("challenges/<str:ocid>/ranking/", scoring_views.ranking, name="ranking"),
    path("challenges/<str:ocid>/award/", award_views.award_step, name="award_step"),
    path("challenges/<str:ocid>/award/exit/", exit_views.award_exit, name="award_exit"),
    path("challenges/<str:ocid>/signing/", exit_views.signing_page, name="signing"),
    path("notices/", award_views.notices, name="notices"),
    path("feedback/<str:reference>/", award_views.feedback, name="feedback"),
    path("notices/<str:ocid>/", award_views.notice, name="notice"),
]
