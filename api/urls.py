"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.errors import not_found
from api.views import district, manage, private, public, review

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Public.
    path("industries/", public.IndustryList.as_view(), name="industries"),
    path("challenges/", public.Board.as_view(), name="board"),
    path("challenges/<str:ocid>/", public.ChallengeDetail.as_view(), name="challenge"),
    path("notices/", public.NoticeList.as_view(), name="notices"),
    path("notices/<str:ocid>/", public.NoticeDetail.as_view(), name="notice"),
    path("awards/", public.AwardList.as_view(), name="awards"),
    path("verify/<str:sha256>/", public.Verify.as_view(), name="verify"),
    # Signed in.
    path("me/", private.Me.as_view(), name="me"),
    path("organizations/", private.OrganizationList.as_view(), name="organizations"),
    path("organizations/<str:pk>/", private.OrganizationDetail.as_view(), name="organization"),
    path("bids/", private.MyBids.as_view(), name="my_bids"),
    path("challenges/<str:ocid>/bids/", private.ChallengeBids.as_view(), name="challenge_bids"),
    path("bids/<str:reference>/", private.BidDetail.as_view(), name="bid"),
    path(
        "bids/<str:reference>/attachments/",
        private.BidAttachments.as_view(),
        name="bid_attachments",
    ),
    path(
        "bids/<str:reference>/attachments/<str:pk>/",
        private.BidAttachment.as_view(),
        name="bid_attachment",
    ),
    path("bids/<str:reference>/submit/", private.BidSubmit.as_view(), name="bid_submit"),
    path("bids/<str:reference>/withdraw/", private.BidWithdraw.as_view(), name="bid_withdraw"),
    path("bids/<str:reference>/reopen/", private.BidReopen.as_view(), name="bid_reopen"),
    path("bids/<str:reference>/receipts/", private.BidReceipts.as_view(), name="bid_receipts"),
    path(
        "bids/<str:reference>/receipts/<str:number>/",
        private.BidReceipt.as_view(),
        name="bid_receipt",
    ),
    path("invitations/", review.InvitationList.as_view(), name="invitations"),
    path("invitations/<str:pk>/", review.InvitationDetail.as_view(), name="invitation"),
    path("invitations/<str:pk>/accept/", review.InvitationAccept.as_view(), name="accept"),
    path("invitations/<str:pk>/decline/", review.InvitationDecline.as_view(), name="decline"),
    path("invitations/<str:pk>/declare/", review.InvitationDeclare.as_view(), name="declare"),
    path(
        "invitations/<str:pk>/scores/submit/",
        review.ScoresSubmit.as_view(),
        name="scores_submit",
    ),
    path(
        "invitations/<str:pk>/scores/<str:bid_pk>/",
        review.ScoreSheetView.as_view(),
        name="score_sheet",
    ),
    path("projects/", private.ProjectList.as_view(), name="projects"),
    path("projects/<str:pk>/", private.ProjectDetail.as_view(), name="project"),
    path(
        "projects/<str:pk>/milestones/<str:number>/report/",
        private.MilestoneReport.as_view(),
        name="milestone_report",
    ),
    # The issuer.
    path("issuer/challenges/", manage.IssuerChallenges.as_view(), name="issuer_challenges"),
    path(
        "issuer/challenges/<str:ocid>/",
        manage.IssuerChallengeDetail.as_view(),
        name="issuer_challenge",
    ),
    path(
        "issuer/challenges/<str:ocid>/submit/",
        manage.IssuerChallengeSubmit.as_view(),
        name="issuer_challenge_submit",
    ),
    path(
        "issuer/challenges/<str:ocid>/award/propose/",
        manage.IssuerAwardPropose.as_view(),
        name="issuer_award_propose",
    ),
    # The bureau.
    path("bureau/challenges/", public.BureauChallengeList.as_view(), name="bureau_challenges"),
    path(
        "bureau/challenges/<str:ocid>/decision/",
        manage.BureauDecision.as_view(),
        name="bureau_decision",
    ),
    path(
        "bureau/challenges/<str:ocid>/formal-check/",
        manage.BureauFormalCheckStart.as_view(),
        name="bureau_formal_check_start",
    ),
    path(
        "bureau/bids/<str:reference>/formal-check/",
        manage.BureauFormalCheck.as_view(),
        name="bureau_formal_check",
    ),
    path(
        "bureau/challenges/<str:ocid>/award/propose/",
        manage.BureauAwardPropose.as_view(),
        name="bureau_award_propose",
    ),
    path(
        "bureau/challenges/<str:ocid>/award/confirm/",
        manage.BureauAwardConfirm.as_view(),
        name="bureau_award_confirm",
    ),
    path(
        "bureau/challenges/<str:ocid>/award/return/",
        manage.BureauAwardReturn.as_view(),
        name="bureau_award_return",
    ),
    # District bureaus (辖市区科技局).
    path(
        "district/challenges/<str:ocid>/recommend/",
        district.DistrictRecommend.as_view(),
        name="district_recommend",
    ),
    path(
        "district/challenges/<str:ocid>/return/",
        district.DistrictReturn.as_view(),
        name="district_return",
    ),
    # Anything else under /api/v1/ (but ocds/, the open-data feed's own URLs): a JSON 404.
    re_path(r"^(?!ocds/).*$", not_found),
]
