"""Axon's Python worker: a grpc.aio server hosting pydantic-ai agents."""

__version__ = "0.1.0"

__all__ = ["__version__"]
