"""The ``ledger`` command line (命令行), one module per group of commands:

- :mod:`api.cli.records` — import, export, replay, verify, checkpoint;
- :mod:`api.cli.audit` — tick, violations, rebuild, rules, status, bulletin;
- :mod:`api.cli.packs` — pack check, pack diff (a pack checked and tried before adopting it);
- :mod:`api.cli.demo` — demo;
- :mod:`api.cli.service` — token, serve;
- :mod:`api.cli.schema` — schema, docs (the vocabulary and the reference, from the code).
"""

from __future__ import annotations

from importlib import import_module

from api.cli.base import app, main, state

for _module in ("records", "audit", "packs", "demo", "service", "schema"):  # each registers its commands, in this order
    import_module(f"api.cli.{_module}")

__all__ = ["app", "main", "state"]

if __name__ == "__main__":
    main()
