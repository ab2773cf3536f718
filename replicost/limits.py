"""The plausibility bounds: what one record or one deployment release can honestly carry.

Defined once and imported by every place that checks them: the sync's door (`sync/door.py`)
quarantines a record that breaks one, the store's quarantine rules (`store/quarantine.py`) apply
the same bounds in SQL to rows stored before the rule, and the bill (`billing/`) leaves any stored
value beyond them unpriced with a reason, so no cast or sum can overflow. They sit in the root
layer because the store, the sync and the billing layer all read them.
"""

from __future__ import annotations

MAX_SECONDS = 2_592_000
"""30 days: the most billable time one prediction or training can report (predict_time, total_time)."""

WALL_TOLERANCE = 60
"""Seconds a record's predict_time may exceed its own wall time (completed_at - created_at)."""

MAX_UNITS = 100_000_000
"""Images, tokens, seconds of output or characters one record can bill: 10^8 is four orders of
magnitude above the longest context window sold today, and keeps any unit x price product far
inside 64-bit micro-dollars."""

MAX_RECORD_USD = 100_000_000_000
"""No single record costs USD 100 billion: a price above it is a broken pricing file, not a bill."""
