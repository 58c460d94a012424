"""Input: raw text or a text file becomes an ``Article`` (header date, limits, clear errors)."""
