"""Rules: attribution, reported speech, numbers, dates, actor merging, event types and status."""
