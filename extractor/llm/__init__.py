"""Model access: client factory, transport retries, the embedded local server and its model."""
