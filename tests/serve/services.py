"""PostgreSQL and Redis for the replica tests (:mod:`kodial.testing.services`), skipped with the
reason where they cannot run."""

from __future__ import annotations

import pytest

from kodial.testing.services import missing_services, postgres, redis_server

__all__ = ["postgres", "redis_server", "require_services"]


def require_services() -> None:
    """Skip (with the reason) unless PostgreSQL and Redis can be started here."""
    reason = missing_services()
    if reason is not None:
        pytest.skip(reason)
