"""Followers of the event log (投影): the audit views (violations, case states) and queries."""
