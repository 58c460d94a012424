"""The linguistic layer: paragraphs and sentences with exact offsets."""
