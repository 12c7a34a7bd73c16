"""The ten factors of the NHS Sustainability Model (NHS Institute; Maher, Gustafson, Evans).

Pure data: importable without Django. Each factor: key, group, short label, and the default
statement a respondent rates from 1 (strongly disagree) to 5 (strongly agree).
"""

from typing import NamedTuple


class Factor(NamedTuple):
    key: str
    group: str
    label: str
    statement: str


FACTORS: list[Factor] = [
    Factor(
        "benefits",
        "Process",
        "Benefits beyond helping patients",
        "The change brings benefits beyond helping patients: it saves time, reduces waste "
        "or makes our work easier.",
    ),
    Factor(
        "credibility",
        "Process",
        "Credibility of the benefits",
        "The benefits of the change are clear to staff, supported by evidence and believed.",
    ),
    Factor(
        "adaptability",
        "Process",
        "Adaptability of the improved process",
        "The changed way of working can adapt to other changes in the practice without being lost.",
    ),
    Factor(
        "monitoring",
        "Process",
        "Effectiveness of the system to monitor progress",
        "We have a way of checking that the change is still working and we act on it.",
    ),
    Factor(
        "staff_involvement",
        "Staff",
        "Staff involvement and training to sustain the process",
        "Staff were involved from the start and trained to keep the change going.",
    ),
    Factor(
        "staff_attitudes",
        "Staff",
        "Staff attitudes and behaviours toward sustaining the change",
        "Staff believe in the change and behave in ways that keep it going.",
    ),
    Factor(
        "senior_leadership",
        "Staff",
        "Senior leadership engagement",
        "The practice's senior leaders (partners, manager) support and promote the change.",
    ),
    Factor(
        "clinical_leadership",
        "Staff",
        "Clinical leadership engagement",
        "Clinical leaders support the change and take part in it.",
    ),
    Factor(
        "fit",
        "Organisation",
        "Fit with the organisation's strategic aims and culture",
        "The change fits the practice's aims and the way we like to work.",
    ),
    Factor(
        "infrastructure",
        "Organisation",
        "Infrastructure for sustainability",
        "We have the staff, equipment, systems and policies to keep the change going.",
    ),
]

FACTOR_KEYS = [factor.key for factor in FACTORS]
FACTORS_BY_KEY = {factor.key: factor for factor in FACTORS}


def default_statements() -> dict[str, str]:
    """The default statement for each factor, keyed by factor."""
    return {factor.key: factor.statement for factor in FACTORS}
