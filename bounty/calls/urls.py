"""URLs of calls (批次), included in bounty/urls.py."""

from django.urls import path

from bounty.calls import views

urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/templates/<str:which>/", views.standard_template, name="call_standard_template"),
    path("calls/<int:year>/<int:batch>/", views.call_detail, name="call"),
    path(
        "calls/<int:year>/<int:batch>/templates/<str:which>/",
        views.call_template,
        name="call_template",
    ),
    path("bureau/calls/", views.bureau_calls, name="bureau_calls"),
    path("bureau/calls/new/", views.call_create, name="call_create"),
    path("bureau/calls/<int:pk>/", views.call_manage, name="call_manage"),
    path("bureau/calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("bureau/calls/<int:pk>/act/", views.call_action, name="call_action"),
]
