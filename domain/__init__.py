"""The vocabulary of the compliance ledger (程序合规账本的领域词汇).

Pure domain code: case kinds and acts, the org chart over time, rule packs and their
parameters, the working-day calendar and the rule checks. No I/O lives here; the ledger,
projections and API depend on this package, never the reverse.
"""
