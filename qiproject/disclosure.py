"""The one small-group rule for reporting what people said (pure Python, no Django).

The follow-up survey promises answers are "reported by profession, never by name". A group
of one to four people is close to a name: results and exports show no group smaller than
SMALL_GROUP_MIN, and say "fewer than 5" instead (the usual NHS small-number suppression).
"""

SMALL_GROUP_MIN = 5
SMALL_GROUP_LABEL = f"fewer than {SMALL_GROUP_MIN}"


def is_reportable(count: int) -> bool:
    """Whether a group of `count` people is large enough to report on its own."""
    return count >= SMALL_GROUP_MIN
