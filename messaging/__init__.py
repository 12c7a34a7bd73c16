"""Messaging: every email the product sends, claimed once and delivered at least once.

Its own app because message delivery is a cross-cutting concern that fits none of
practices, workshops, pdsa or evidence: each of them (and the follow-up survey) has
something to tell people, and all of it must go through one outbox that claims a unique
key in the database before sending, retries mail errors, survives a worker killed
mid-batch and respects each person's choice to turn digests and reminders off.
"""
