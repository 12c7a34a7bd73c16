"""The one-year follow-up survey: did the changes last, and why?

Its own app because the survey belongs to none of the existing ones: it is about the whole
programme a year after the final workshop (not a workshop), it asks the whole team and the
patient representatives without a login (unlike pdsa's plans and data), and it measures
sustainability with the NHS Sustainability Model rather than holding evidence. It reads the
adopted changes from pdsa through one provider function and sends through messaging.
"""
