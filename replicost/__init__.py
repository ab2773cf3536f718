"""replicost: know what your Replicate bill is made of."""

__version__ = "0.1.0"
