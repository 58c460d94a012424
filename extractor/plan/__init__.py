"""Plan: an article becomes its model calls (chunks, rendered prompts, schemas narrowed per chunk)."""
