from django.urls import path

from api.views import tokens as views_tokens

app_name = "api_tokens"
urlpatterns = [
    path("", views_tokens.tokens, name="list"),
    path("<int:pk>/revoke/", views_tokens.token_revoke_view, name="revoke"),
]
