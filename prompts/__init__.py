"""Prompt templates (Jinja2) shipped with the extractor; see ``extractor.plan.prompts``."""
