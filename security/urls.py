from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("", views.manage, name="manage"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
    path("history/", views.login_history, name="login_history"),
]
