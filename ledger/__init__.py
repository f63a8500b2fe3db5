"""The event store and its edges: import, export, integrity, the clock, the CLI (账本)."""
