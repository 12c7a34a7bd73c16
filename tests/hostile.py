"""Text that has broken web applications before: markup, schemes, control characters, formulas.

Every user-editable text field must either store these and show them escaped, or refuse them
with a clear ValidationError.
"""

SCRIPT = "<script>alert(1)</script>"
META_REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example">'
JAVASCRIPT_URL = "javascript:alert(1)"
CR_LF = "first line\r\nsecond line"
NUL = "before\x00after"
RTL_OVERRIDE = "invoice\u202egnp.exe"
LONG = "x" * 100_000
FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)")

PAYLOADS = (SCRIPT, META_REFRESH, JAVASCRIPT_URL, CR_LF, NUL, RTL_OVERRIDE, LONG, *FORMULAS)

# What must never reach a page unescaped.
RAW_MARKUP = ("<script>alert(1)", "<meta http-equiv")

# A formula prefix plus markup in one value, so one stored text exercises both rules.
COMBINED = "=cmd|' /C calc'!A0 " + SCRIPT + " " + META_REFRESH + " " + RTL_OVERRIDE


def fitting(max_length: int | None, *, single_line: bool) -> list[str]:
    """The payloads a field of this shape may hold, cut to length (single line: no CR/LF/NUL)."""
    values = [COMBINED, *PAYLOADS]
    if single_line:
        values = [v for v in values if not any(c in v for c in "\r\n\x00")]
    if max_length:
        values = [v[:max_length] for v in values]
    return values
