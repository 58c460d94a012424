"""Across a run's articles: the archive actor registry (``registry``, rules in ``actors``), story
events (``stories``) and the questions users ask of them (``queries.Run``)."""
