"""The demo's collective decisions (seed_demo): the bureau's meetings that the demo's award
notices, terminations and acceptance results cite."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounty.demo import PLAN_PDF
from bounty.meetings.models import DecisionMeeting
from bounty.meetings.services import meeting_record

DEMO_BODY = "局长办公会"


def demo_meeting(officer):
    """The demo's meeting (recorded once; every demo decision cites it)."""
    meeting = DecisionMeeting.objects.filter(body=DEMO_BODY).order_by("pk").first()
    if meeting is not None:
        return meeting
    return meeting_record(
        by=officer,
        body=DEMO_BODY,
        held_on=timezone.localdate() - timedelta(days=1),
        attendees="局长、分管副局长、成果转化处处长、法规处处长、机关纪委书记",
        resolution=(
            "会议听取了成果转化处关于揭榜挂帅项目评审、执行和验收情况的汇报，经集体研究，"
            "同意各拟中榜方公示、项目终止和验收结论的处理意见。"
        ),
        minutes=SimpleUploadedFile("局长办公会纪要.pdf", PLAN_PDF),
    )
