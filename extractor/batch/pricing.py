"""Estimated cost of a run from its token counts, for models whose list price is known.

Prices are USD per million tokens (input, output), from the providers' public price pages
(2025); a model not listed has no estimate rather than a wrong one. The embedded model costs nothing.
"""

from __future__ import annotations

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}


def estimate_cost(backend: str, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for these tokens, 0 for the embedded model, None when the price is unknown."""
    if backend == "local":
        return 0.0
    price = PRICES_PER_MILLION.get(model)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
