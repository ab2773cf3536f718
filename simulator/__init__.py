"""A simulated Replicate API serving a synthetic account: the demo's default and every sync test's truth.

Replicate's API cannot be reached from CI, and a new user has no history to look at, so replicost
ships a faithful simulation of the endpoints it reads. `SimulatedAccount` generates the records
lazily and knows the hidden truth (hardware per record); `SimulatorApp` serves them with Replicate's
shapes, paging, auth, rate limit and faults; `app.httpx_transport()` runs it in-process and `serve`
on a real socket.
"""

from replicost.simulator.account import SimulatedAccount
from replicost.simulator.app import SimulatedResponse, SimulatorApp, Stats
from replicost.simulator.faults import FAULT_KINDS, FaultConfig
from replicost.simulator.server import SimulatorServer, serve

__all__ = [
    "FAULT_KINDS",
    "FaultConfig",
    "SimulatedAccount",
    "SimulatedResponse",
    "SimulatorApp",
    "SimulatorServer",
    "Stats",
    "serve",
]
