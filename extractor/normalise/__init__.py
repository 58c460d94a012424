"""Normalisation: dates resolved against the publication date, actors clustered to one identity."""
