"""The model call: endpoint and clients, transport retries, rate limits, response cache, the
embedded local server and its model, and what a failed answer means."""
