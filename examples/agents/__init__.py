"""Offline, deterministic demo agents: each module's `agent` runs on a scripted `FunctionModel`."""
