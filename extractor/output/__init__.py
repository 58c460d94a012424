"""Output for people: a terminal view of a result and the committed JSON Schema."""
