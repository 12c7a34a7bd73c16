"""Statistics for clinical audit: pure, importing nothing from Django.

- Wilson score interval for a proportion (Wilson 1927; Newcombe, Stat Med 1998;17:857,
  method 3), which behaves at 0 and n where the simple Wald interval does not.
- Funnel plot limits for proportions: p0 +/- z * sqrt(p0 (1 - p0) / n), the normal
  approximation used by the PHE Fingertips funnel method (Spiegelhalter, Stat Med 2005).
- Keele STarT Back scoring: total, psychosocial subscale and risk stratum.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist

Z95 = 1.959964
Z998 = 3.090232

HIGH_998, HIGH_95, WITHIN, LOW_95, LOW_998 = "high_998", "high_95", "within", "low_95", "low_998"
MEETS, BELOW, CANNOT_TELL, NO_CASES = "meets", "below", "cannot_tell", "no_cases"
LOW, MEDIUM, HIGH = "low", "medium", "high"
SAMPLE_SIZE_CAP = 1_000_000


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1.")
    if abs(confidence - 0.95) < 1e-12:
        return Z95
    return NormalDist().inv_cdf((1 + confidence) / 2)


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """The Wilson interval for an observed proportion p from n cases (n may be fractional)."""
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for successes out of n; (0.0, 1.0) when there are no cases."""
    if not _is_int(successes) or not _is_int(n):
        raise ValueError("successes and n must be whole numbers.")
    if n < 0 or successes < 0 or successes > n:
        raise ValueError("successes must be between 0 and n.")
    z = _z(confidence)
    if n == 0:
        return 0.0, 1.0
    low, high = _wilson(successes / n, n, z)
    # At 0 and n the interval touches the bound exactly; rounding must not move it.
    if successes == 0:
        low = 0.0
    if successes == n:
        high = 1.0
    return low, high


def verdict(successes: int, n: int, standard: float, confidence: float = 0.95) -> str:
    """Compare a criterion's result with its standard (a fraction, 0.9 for 90%).

    "meets": the interval lies entirely at or above the standard; "below": entirely below;
    "cannot_tell": it straddles the standard; "no_cases": nobody was eligible.
    """
    if n == 0:
        return NO_CASES
    low, high = wilson_interval(successes, n, confidence)
    if low >= standard:
        return MEETS
    if high < standard:
        return BELOW
    return CANNOT_TELL


def sample_size_needed(proportion: float, standard: float, confidence: float = 0.95) -> int | None:
    """The smallest sample whose interval around this proportion would exclude the standard.

    None when the proportion equals the standard (no sample would tell them apart).
    """
    if not 0 <= proportion <= 1 or not 0 <= standard <= 1:
        raise ValueError("proportion and standard must be between 0 and 1.")
    if proportion == standard:
        return None
    z = _z(confidence)

    def decided(n: int) -> bool:
        low, high = _wilson(proportion, n, z)
        return low >= standard if proportion > standard else high < standard

    high = 1
    while not decided(high):
        high *= 2
        if high > SAMPLE_SIZE_CAP:
            return None
    low = high // 2
    while low + 1 < high:
        middle = (low + high) // 2
        if decided(middle):
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True)
class FunnelLimits:
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def funnel_limits(p0: float, n: int) -> FunnelLimits:
    """95% and 99.8% funnel limits around the overall proportion p0 for n cases."""
    if not _is_int(n) or n < 1:
        raise ValueError("n must be a whole number of at least 1.")
    if isinstance(p0, bool) or not 0 <= p0 <= 1:
        raise ValueError("p0 must be a proportion between 0 and 1.")
    se = sqrt(p0 * (1 - p0) / n)

    def clip(value: float) -> float:
        return min(1.0, max(0.0, value))

    return FunnelLimits(
        lower95=clip(p0 - Z95 * se),
        upper95=clip(p0 + Z95 * se),
        lower998=clip(p0 - Z998 * se),
        upper998=clip(p0 + Z998 * se),
    )


def funnel_position(successes: int, n: int, p0: float) -> str:
    """Where a unit lies on the funnel: beyond a limit only when strictly beyond it."""
    if not _is_int(successes) or not _is_int(n) or n < 1 or not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n, and n at least 1.")
    limits = funnel_limits(p0, n)
    p = successes / n
    if p > limits.upper998:
        return HIGH_998
    if p > limits.upper95:
        return HIGH_95
    if p < limits.lower998:
        return LOW_998
    if p < limits.lower95:
        return LOW_95
    return WITHIN


@dataclass(frozen=True)
class StartBack:
    total: int
    psychosocial: int
    stratum: str


def start_back(answers: Sequence[int]) -> StartBack:
    """Score the nine STarT Back answers (items 1-8: 0 or 1; item 9: 0 to 4).

    Item 9 (bothersomeness) counts as positive only at 3 ("very much") or 4 ("extremely").
    High risk when the psychosocial subscale (items 5-9) is 4 or more, otherwise medium when
    the total is 4 or more, otherwise low (Hill et al., Arthritis Rheum 2008).
    """
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ValueError("STarT Back needs a sequence of nine answers.")
    if len(answers) != 9:
        raise ValueError("STarT Back needs exactly nine answers.")
    if not all(_is_int(answer) for answer in answers):
        raise ValueError("STarT Back answers are whole numbers.")
    if any(answer not in (0, 1) for answer in answers[:8]):
        raise ValueError("Items 1 to 8 are 0 (disagree) or 1 (agree).")
    if not 0 <= answers[8] <= 4:
        raise ValueError("Item 9 is 0 (not at all) to 4 (extremely).")
    bothersome = 1 if answers[8] >= 3 else 0
    total = sum(answers[:8]) + bothersome
    psychosocial = sum(answers[4:8]) + bothersome
    if psychosocial >= 4:
        stratum = HIGH
    elif total >= 4:
        stratum = MEDIUM
    else:
        stratum = LOW
    return StartBack(total=total, psychosocial=psychosocial, stratum=stratum)
