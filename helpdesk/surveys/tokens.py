"""Survey link tokens: 256 random bits (``secrets.token_urlsafe(32)``); only their SHA-256 is
stored, so a database leak gives no working link."""

import hashlib
import secrets


def survey_token_new() -> tuple[str, str]:
    """A fresh survey link token and the hash to store: (token, sha256 hex)."""
    token = secrets.token_urlsafe(32)
    return token, survey_token_hash(token)


def survey_token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()
