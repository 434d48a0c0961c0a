"""The studio's HTTP routes: the console page, and its API under ``/studio/api`` (one module per
tab: project, training, review, chat models). Every API route needs an API key when the server
has keys, exactly like ``/v1``."""
