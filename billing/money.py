"""Money as the bill writes it: whole micro-dollars inside, six-decimal strings in JSON.

Each record's cost is rounded once to micro-dollars (half up) and sums are exact; these are the
two ways a sum leaves the bill: `money_str` for machines (the JSON contract), `usd` for people.
"""

from __future__ import annotations

from decimal import Decimal

MICRO = Decimal("0.000001")


def money_str(value: Decimal | None) -> str:
    """A cost as the decimal string the JSON contract uses: six decimals, no exponent."""
    return str(Decimal(value or 0).quantize(MICRO))


def usd(value: Decimal) -> str:
    """Money for people: dollars with cents, more digits below a cent so small runs still show."""
    if value and abs(value) < Decimal("0.01"):
        return f"${value:.6f}".rstrip("0")
    return f"${value:,.2f}"
