import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _sealing_on(settings, english):
    settings.BID_SEALING = True
    settings.BID_SEALING_SHARES = {"threshold": 2, "holders": 2}
    with translation.override("en"):
        yield
