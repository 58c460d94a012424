"""Validation and grounding: locate model output in the article and check answers against it."""
