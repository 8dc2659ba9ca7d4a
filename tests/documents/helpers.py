"""An awarded project with its contract, built through the real services."""

import re
import subprocess

from bounty.bids import services as bid_services
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus
from bounty.projects.services import project_create_for_award
from documents.models import Contract
from documents.services import document_render
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published
from tests.factories import bureau_officer


def awarded_contract(*, render=True, consortium=()):
    """A published challenge, one submitted bid, moved to awarded/winner (the award flow
    itself is tested in tests/review), then the project: its contract is prepared by the
    ``project_created`` signal; the documents are rendered here (no worker in tests)."""
    officer = bureau_officer()
    challenge = published(officer=officer, title="高镍正极材料循环寿命提升")
    challenge.issuer.legal_representative = "张发榜"
    challenge.issuer.address = "示范市高新区创新路1号"
    challenge.issuer.save()
    bid = complete_bid(challenge, consortium=consortium)
    bid.lead.legal_representative = "李揭榜"
    bid.lead.save()
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.AWARDED)
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.WINNER)
    project = project_create_for_award(bid=Bid.objects.get(pk=bid.pk))
    contract = Contract.objects.get(project=project)
    if render:
        for document in contract.current_documents():
            document_render(document.pk)
    return contract, officer


def pdf_text(path) -> str:
    """The text of a PDF with every space and line break removed (Chinese wraps anywhere)."""
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", out)


def pdf_fonts(path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def qr_codes(path, tmp_path) -> list[str]:
    """Every QR code printed on any page of the PDF, decoded."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    codes = []
    for image in sorted(tmp_path.glob("page*.png")):
        out = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
        ).stdout
        codes.extend(line for line in out.splitlines() if line)
    return codes
