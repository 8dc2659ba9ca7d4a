from django.urls import path

from . import statistics_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.bureau, name="bureau"),
    path("export.xlsx", views.bureau_export, name="export"),
    path("statistics.xlsx", statistics_views.statistics_export, name="statistics_export"),
]
