"""Learners' progress (current page, pages verified, setup scripts run) kept in a SQLite file."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    current_page INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS verified (
    session TEXT NOT NULL,
    page INTEGER NOT NULL,
    PRIMARY KEY (session, page)
);
"""


@dataclass(frozen=True)
class Progress:
    """Where one learner is: the page shown and the pages whose check passed."""

    current_page: int
    verified: tuple[int, ...]

    def as_json(self) -> dict[str, object]:
        """The shape the learner's page reads."""
        return {"current": self.current_page, "verified": list(self.verified)}


class ProgressStore:
    """One SQLite file for every learner session of a served scenario; commits after every change."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def known(self, session: str) -> bool:
        """True when `session` was seen before (by this server or an earlier one on the same file)."""
        row = self._db.execute("SELECT 1 FROM sessions WHERE id = ?", (session,)).fetchone()
        return row is not None

    def ensure(self, session: str) -> None:
        """Record `session` if it is new."""
        now = time.time()
        self._db.execute(
            "INSERT OR IGNORE INTO sessions (id, current_page, created, updated) VALUES (?, 0, ?, ?)",
            (session, now, now),
        )

    def get(self, session: str) -> Progress:
        """The learner's progress; a new session starts on page 0 with nothing verified."""
        row = self._db.execute("SELECT current_page FROM sessions WHERE id = ?", (session,)).fetchone()
        pages = self._db.execute(
            "SELECT page FROM verified WHERE session = ? ORDER BY page", (session,)
        ).fetchall()
        return Progress(current_page=int(row[0]) if row else 0, verified=tuple(int(p[0]) for p in pages))

    def set_page(self, session: str, page: int) -> None:
        """Remember the page the learner is on."""
        self.ensure(session)
        self._db.execute(
            "UPDATE sessions SET current_page = ?, updated = ? WHERE id = ?", (page, time.time(), session)
        )

    def mark_verified(self, session: str, page: int) -> None:
        """Remember that the page's check passed."""
        self.ensure(session)
        self._db.execute("INSERT OR IGNORE INTO verified (session, page) VALUES (?, ?)", (session, page))

    def close(self) -> None:
        """Close the database file."""
        self._db.close()
