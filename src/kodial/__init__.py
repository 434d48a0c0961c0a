"""kodial: Korean conversational assistants, from raw data to a running service."""

__version__ = "0.1.0"
