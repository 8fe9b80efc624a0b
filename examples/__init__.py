"""Axon examples; `examples.agents.<name>:agent` are the demo agents (also the integration fixtures)."""
