from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Invitation


def send_invitation_email(invitation_id, path):
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_id
    )
    with translation.override(invitation.invited_by.language):
        subject = _("Invitation to join %(organization)s") % {
            "organization": invitation.organization.name
        }
        text = render_to_string(
            "accounts/email/invitation.txt",
            {"invitation": invitation, "url": settings.SITE_URL + path},
        )
    send_mail(subject, text, None, [invitation.email])
