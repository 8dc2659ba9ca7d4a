"""What the contract page shows of its 补充协议 (``templates/documents/_supplements.html``):
read by ``views._contract_context`` and by ``supplement_views`` for a refused signature."""

from .forms import SupplementSignForm
from .supplement_signing import supplement_rows


def supplements_context(user, contract, *, bound=None) -> list:
    """The contract's supplements with a signing form each (``bound``: the form that was
    posted and refused, kept with what was typed)."""
    rows = supplement_rows(user, contract)
    for row in rows:
        pk = row["supplement"].pk
        row["form"] = (
            bound
            if bound is not None and bound.prefix == f"s{pk}"
            else SupplementSignForm(prefix=f"s{pk}")
        )
    return rows
