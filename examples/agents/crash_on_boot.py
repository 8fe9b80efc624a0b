"""A fixture: importing this module fails, as a broken agent module would."""

raise RuntimeError("crash_on_boot: this module fails at import, on purpose")
