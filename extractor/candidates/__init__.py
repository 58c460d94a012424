"""Candidates: what the article contains, found deterministically with exact offsets (quotations)."""
