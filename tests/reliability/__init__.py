"""The reliability campaign's cases (docs/RELIABILITY.md).

Each case is a function that runs one scenario `runs` times and returns a `CaseResult`. The
fast part of the suite (tests/test_reliability_*.py) calls them with small counts;
benchmarks/campaign.py runs them with large ones and writes the table.
"""
