"""Reports taken out of the tool: the practice report, the programme report and a clinician's
QI activity summary for appraisal, as pages and as PDFs.

An app of its own because a report reads across every other app (plans, measures and cycles,
audits, workshops, the follow-up survey) and belongs to none of them; it only reads them
through their selectors, and owns one model: the private reflections of the QI summary.
"""
