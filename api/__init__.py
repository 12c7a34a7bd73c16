"""The machine interface: a versioned JSON API (/api/v1/) and the personal tokens that open it.

An app of its own because it is a concern none of the others holds: practices' clinical
systems and integration engines push measure data and read the improvement work. It owns no
domain data and no rules: it authenticates a token as its person, reads through the same
access querysets and selectors as the web pages, and writes through the same services.
"""
