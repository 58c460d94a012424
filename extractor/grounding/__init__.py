"""Grounding: locate model output in the article text and build exact spans."""
