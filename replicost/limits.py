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

MAX_DEPLOYMENT_INSTANCES = 1000
"""Most instances (min_instances or max_instances) one deployment release can honestly ask for: the
pricing file's own bound on a deployment's min_instances. An L40S kept on all day costs about $84;
a thousand of them, $84,000 a day, is already beyond any account replicost is built for."""

SOLD_GPU_MULTIPLES = (1, 2, 4, 8)
"""How many GPUs one Replicate hardware SKU bundles (`gpu-l40s`, `-2x`, `-4x`, `-8x`): the multiples
Replicate sells. A release on `gpu-l40s-1000000x` is a lie, not a machine."""
