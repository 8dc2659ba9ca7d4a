from django.urls import path

from bounty.bids import cure_views
from bounty.bids import views as bid_views
from bounty.board import views as board_views
from bounty.calls import district_views
from bounty.calls import urls as call_urls
from bounty.challenges import access_views, views
from bounty.dueprocess import views as case_views
from bounty.meetings import views as meeting_views
from bounty.projects import acceptance_views, change_views, payment_views
from bounty.projects import views as project_views
from bounty.sealing import urls as sealing_urls

app_name = "bounty"

urlpatterns = [
    # Sealed bids (开标解密): key shares, the opening ceremony, a team's sealed draft.
    *sealing_urls.urlpatterns,
    # Due process for adverse decisions; the bureau's collective decisions (集体决策).
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/act/", case_views.case_action, name="case_action"),
    path("cases/files/<int:pk>/", case_views.case_file, name="case_file"),
    path("bureau/meetings/", meeting_views.meeting_list, name="meetings"),
    path("bureau/meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("bureau/meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path(
        "bureau/meetings/<int:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"
    ),
    # Calls (批次): public list and page of a call; the bureau's editor and stages.
    *call_urls.urlpatterns,
    # Public board (anonymous visitors welcome) and the bureau's exports.
    path("challenges/", board_views.board, name="board"),
    path("challenges/export/<str:fmt>/", board_views.export, name="export"),
    # Issuer: my challenges, the editor.
    path("my/challenges/", views.my_challenges, name="my_challenges"),
    path("my/challenges/new/", views.challenge_create, name="challenge_create"),
    path("challenges/<str:ocid>/edit/", views.challenge_edit, name="challenge_edit"),
    path("challenges/<str:ocid>/submit/", views.challenge_submit, name="challenge_submit"),
    path("challenges/<str:ocid>/republish/", views.challenge_republish, name="challenge_republish"),
    # District bureaus: the needs of their enterprises, recommended (推荐) or returned.
    path("district/needs/", district_views.district_needs, name="district_needs"),
    path("district/needs/<str:ocid>/", district_views.district_need, name="district_need"),
    path(
        "district/needs/<str:ocid>/decide/",
        district_views.district_decide,
        name="district_decide",
    ),
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
    # Restricted and confidential challenges: the NDA, access requests, the issuer's decision.
    path("challenges/<str:ocid>/nda/", access_views.challenge_nda, name="challenge_nda"),
    path("challenges/<str:ocid>/access/", access_views.access_request, name="access_request"),
    path(
        "challenges/<str:ocid>/access/<int:pk>/",
        access_views.access_decide,
        name="access_decide",
    ),
    # Bids (sealed until the deadline; see permissions.py).
    path("my/bids/", bid_views.my_bids, name="my_bids"),
    path("challenges/<str:ocid>/bid/", bid_views.bid_start, name="bid_start"),
    path("challenges/<str:ocid>/bids/", bid_views.bid_list, name="bid_list"),
    path(
        "challenges/<str:ocid>/formal-check/",
        bid_views.formal_check_start,
        name="formal_check_start",
    ),
    path("bids/<str:reference>/", bid_views.bid_detail, name="bid_detail"),
    path("bids/<str:reference>/edit/", bid_views.bid_edit, name="bid_edit"),
    path("bids/<str:reference>/attach/", bid_views.bid_attach, name="bid_attach"),
    path("bids/<str:reference>/files/<int:pk>/", bid_views.bid_attachment, name="bid_attachment"),
    path("bids/<str:reference>/files/<int:pk>/remove/", bid_views.bid_detach, name="bid_detach"),
    path("bids/<str:reference>/submit/", bid_views.bid_submit, name="bid_submit"),
    path("bids/<str:reference>/reopen/", bid_views.bid_reopen, name="bid_reopen"),
    path("bids/<str:reference>/withdraw/", bid_views.bid_withdraw, name="bid_withdraw"),
    path("bids/<str:reference>/receipts/<int:number>/", bid_views.bid_receipt, name="bid_receipt"),
    # The formal check with its due process: 补正 and the intended ineligibility.
    path("bids/<str:reference>/check/", cure_views.formal_check, name="formal_check"),
    path("bids/<str:reference>/cure/", cure_views.bid_cure_open, name="bid_cure_open"),
    path("bids/<str:reference>/cure/add/", cure_views.bid_cure_upload, name="bid_cure_upload"),
    path(
        "bids/<str:reference>/cure/files/<int:pk>/",
        cure_views.bid_cure_file,
        name="bid_cure_file",
    ),
    path("challenges/<str:ocid>/", views.challenge_detail, name="challenge_detail"),
    # Projects (the three parties).
    path("projects/", project_views.project_list, name="projects"),
    # Acceptance: the dossier, the issuer's user report, the public notice with objections.
    path("projects/acceptances/", acceptance_views.acceptances, name="acceptances"),
    path(
        "projects/acceptances/<int:pk>/",
        acceptance_views.acceptance_notice,
        name="acceptance_notice",
    ),
    path(
        "projects/acceptances/objections/<int:pk>/decide/",
        acceptance_views.objection_decide,
        name="acceptance_objection_decide",
    ),
    path(
        "projects/acceptances/objections/<int:pk>/evidence/",
        acceptance_views.objection_evidence,
        name="acceptance_objection_evidence",
    ),
    path("projects/<int:pk>/dossier/", acceptance_views.dossier, name="project_dossier"),
    path(
        "projects/<int:pk>/dossier/edit/",
        acceptance_views.dossier_edit,
        name="project_dossier_edit",
    ),
    path(
        "projects/<int:pk>/dossier/user-report/",
        acceptance_views.user_report,
        name="project_user_report",
    ),
    path(
        "projects/<int:pk>/dossier/files/<str:which>/",
        acceptance_views.dossier_file,
        name="project_dossier_file",
    ),
    path("projects/<int:pk>/", project_views.project_detail, name="project"),
    path("projects/<int:pk>/act/", project_views.project_action, name="project_action"),
    # Changes (变更): 备案 kinds recorded and acknowledged; approval kinds decided.
    path("projects/<int:pk>/changes/", change_views.change_request_view, name="project_change"),
    path(
        "projects/<int:pk>/changes/<int:change_pk>/decide/",
        change_views.change_decide_view,
        name="project_change_decide",
    ),
    path("projects/files/<int:pk>/", project_views.report_attachment, name="report_attachment"),
    # Payments recorded by whoever pays them; the team confirms or disputes.
    path("projects/<int:pk>/payments/", payment_views.payment_action, name="payment_action"),
    path("projects/payments/<int:pk>/slip/", payment_views.payment_slip, name="payment_slip"),
]
