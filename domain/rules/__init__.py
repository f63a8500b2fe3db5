"""The rule catalog (规则目录, ``docs/rules.md`` is generated from it), one module per family.

``esc`` 请示报告 · ``doc`` 公文处理 · ``mtg`` 会议 · ``lev`` 请销假 · ``inc`` 突发事件 ·
``sup`` 督查督办 · ``svc`` 首问负责 · ``dec`` 重大决策 · ``dis`` 纪律与奖惩 · ``res`` 调研.
Each rule sits beside its check with its articles and parameters per pack; see
:mod:`domain.rules.base` for the shape and :mod:`domain.rules.engine` for evaluation.
"""
