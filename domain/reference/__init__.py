"""The project's own reference (参考文档), generated from the code: the act-log contract
(``docs/act-log.md`` and its JSON Schema, from :mod:`domain.kinds`) and the rule catalog
(``docs/rules.md``, from :mod:`domain.rules`). Pure text: the templates beside this module hold
the prose the code cannot produce; ``ledger docs`` writes the files, and a test fails when
the committed files drift from what the code renders.
"""
