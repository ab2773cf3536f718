"""The bill: what a record, a deployment-day or a gap in history costs, decided in one place.

`pricing` reads the catalog and the user's pricing file; `costs` installs the cost views that
price every record and the deployments' uptime; `reasons` names why something is unpriced and
what fixes it; `money` writes sums; the plausibility bounds are `replicost.limits`. Reports,
insights, export and budget read what this layer decides and never price anything themselves.
"""
