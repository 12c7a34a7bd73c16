"""Words for people: lists said the way a sentence says them."""


def and_list(items) -> str:
    """Join names as English does: "A", "A and B", "A, B and C" (no serial comma)."""
    names = [str(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
