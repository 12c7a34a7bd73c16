"""Facilitator and programme dashboards, and the programme's data export for evaluators.

A separate app because a dashboard reads across every other app (practices and visits,
improvement work, workshops, the follow-up survey) and owns no data of its own: putting it in
practices would make the foundation depend on the apps built on it.
"""
