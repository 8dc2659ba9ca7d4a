"""The district bureau's side (辖市区科技局): recommend (推荐) a submitted need of an
enterprise in the officer's jurisdiction to the city, or return it for revision — the
web's district pages (bounty/calls/district_views.py) through the same form, lookup and
services. A need outside the officer's jurisdiction (or a draft): 404; a refusal in the
need's current state (not submitted, the city recommends without districts): 409."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers_manage as m
from api.errors import FieldErrors, form_errors
from api.views.manage import _managed, _payload
from api.views.private import Private
from bounty.calls import district
from bounty.calls.district_views import RecommendationForm, _district_need


class _DistrictDecision(Private):
    service = None  # district.need_recommend or district.need_return

    @extend_schema(request=m.DistrictDecisionSerializer, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _district_need(request, ocid)
        payload = _payload(request, {"comment"})
        form = RecommendationForm({"comment": payload.get("comment", "")})
        if not form.is_valid():
            raise FieldErrors(form_errors(form.errors))
        self.service(challenge=challenge, by=request.user, comment=form.cleaned_data["comment"])
        return Response(_managed(challenge))


class DistrictRecommend(_DistrictDecision):
    """Recommend the submitted need to the city with a ``comment`` (the city and the
    enterprise read it); the city may then start vetting it."""

    service = staticmethod(district.need_recommend)


class DistrictReturn(_DistrictDecision):
    """Return the submitted need to the enterprise for revision, saying in ``comment``
    what must change."""

    service = staticmethod(district.need_return)
