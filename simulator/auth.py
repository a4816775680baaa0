"""Who may call: a Bearer token (local API) or a JSESSIONID session (cloud)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import api_error

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

COOKIE = "JSESSIONID"


class Auth:
    """The credentials the simulated gateway accepts, and their revocation."""

    def __init__(
        self,
        *,
        cloud: bool,
        token: str,
        username: str,
        password: str,
        new_id: Callable[[], str],
    ) -> None:
        self.cloud = cloud
        self.token = token
        self.username = username
        self.password = password
        self._new_id = new_id
        self.sessions: set[str] = set()
        self.sso_tokens: dict[str, str] = {}  # token -> user id (vendor logins)

    def check(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> str:
        """Return the caller's identity (session id or token), else raise a 401."""
        if self.cloud:
            session = cookies.get(COOKIE)
            if session is None or session not in self.sessions:
                raise api_error("NOT_AUTHENTICATED")
            return session
        header = headers.get("Authorization")
        if not header:
            raise api_error("MISSING_AUTHORIZATION_TOKEN")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise api_error("MISSING_AUTHORIZATION_TOKEN")
        if token != self.token:
            raise api_error("NOT_AUTHENTICATED")
        return token

    def login(self, user_id: str | None, password: str | None) -> str:
        """Open a session for good credentials, else raise Bad credentials."""
        if user_id != self.username or password != self.password:
            raise api_error("BAD_CREDENTIALS")
        session = self._new_id()
        self.sessions.add(session)
        return session

    def issue_sso_token(self, user_id: str) -> str:
        """Hand out a token a vendor's own login trades for an Overkiz session."""
        token = self._new_id()
        self.sso_tokens[token] = user_id
        return token

    def login_sso(self, token: str | None, user_id: str | None) -> str:
        """Open a session for a token issued to ``user_id`` (used once)."""
        if token is None or self.sso_tokens.get(token) != user_id:
            raise api_error("BAD_CREDENTIALS")
        del self.sso_tokens[token]
        session = self._new_id()
        self.sessions.add(session)
        return session

    def expire_sessions(self) -> None:
        """End every session: the next call gets Not authenticated."""
        self.sessions.clear()

    def revoke_token(self) -> str:
        """Invalidate the local token; a fresh one replaces it."""
        self.token = self._new_id()
        return self.token
