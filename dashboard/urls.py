from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.bureau, name="bureau"),
    path("export.xlsx", views.bureau_export, name="export"),
]
