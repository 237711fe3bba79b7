"""Load an index.json and remember where each key sits, so diagnostics can name path:line:col."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from scenario.model import Diagnostic, Severity, SourceLocation

KeyPath = tuple[str | int, ...]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


@dataclass
class LocatedJson:
    """A parsed JSON document plus the line/col of every key (and array item) by its key path."""

    path: str
    data: object
    lines: list[str]
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def where(self, keys: KeyPath) -> SourceLocation:
        """The location of `keys`, or of its nearest located ancestor (the file itself at worst)."""
        while keys:
            if keys in self.positions:
                line, col = self.positions[keys]
                return SourceLocation(self.path, line, col)
            keys = keys[:-1]
        return SourceLocation(self.path, 1, 1)

    def diagnostic(self, keys: KeyPath, message: str, severity: Severity = Severity.ERROR) -> Diagnostic:
        """A diagnostic pointing at `keys`, with the source line for the caret."""
        location = self.where(keys)
        source = self.lines[location.line - 1] if 0 < location.line <= len(self.lines) else None
        return Diagnostic(location, severity, message, source)


def load_json(text: str, path: str) -> tuple[LocatedJson | None, list[Diagnostic]]:
    """Parse `text`; on a syntax error return None and one diagnostic with JSONDecodeError's line/col."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        lines = text.splitlines()
        source = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else None
        location = SourceLocation(path, error.lineno, error.colno)
        return None, [Diagnostic(location, Severity.ERROR, f"invalid JSON: {error.msg}", source)]
    located = LocatedJson(path, data, text.splitlines())
    located.positions = _key_positions(text)
    return located, []


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _key_positions(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Walk the tokens of valid JSON and record the 1-based line/col where each key or item starts."""
    starts = _line_starts(text)
    positions: dict[KeyPath, tuple[int, int]] = {}
    stack: list[list[object]] = []  # frames: [kind, path, next-index-or-pending-key]
    path: KeyPath = ()
    tokens = list(_TOKEN.finditer(text))
    for number, match in enumerate(tokens):
        token = match.group()
        line = _bisect(starts, match.start())
        col = match.start() - starts[line - 1] + 1
        frame = stack[-1] if stack else None
        is_key = (
            frame is not None
            and frame[0] == "obj"
            and token.startswith('"')
            and number + 1 < len(tokens)
            and tokens[number + 1].group() == ":"
        )
        if is_key and frame is not None:
            key = json.loads(token)
            frame[2] = key
            positions[(*_frame_path(frame), key)] = (line, col)
            continue
        if frame is not None and frame[0] == "arr" and token not in ("]", ","):
            item_path = (*_frame_path(frame), _as_int(frame[2]))
            positions.setdefault(item_path, (line, col))
        if token in ("{", "["):
            path = _value_path(frame)
            stack.append(["obj" if token == "{" else "arr", path, None if token == "{" else 0])
        elif token in ("}", "]"):
            stack.pop()
        elif token == "," and frame is not None and frame[0] == "arr":
            frame[2] = _as_int(frame[2]) + 1
    return positions


def _frame_path(frame: list[object]) -> KeyPath:
    value = frame[1]
    assert isinstance(value, tuple)
    return value


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _value_path(frame: list[object] | None) -> KeyPath:
    """The key path of a value about to start inside `frame`."""
    if frame is None:
        return ()
    if frame[0] == "obj":
        key = frame[2]
        return (*_frame_path(frame), key if isinstance(key, str) else "")
    return (*_frame_path(frame), _as_int(frame[2]))


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while low + 1 < high:
        middle = (low + high) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle
    return low + 1
