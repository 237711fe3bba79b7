"""What a snippet types (Ctrl-C, control sequences, Enter), editor-block edits and asset modes."""

from __future__ import annotations

import pytest

from scenario.model import Action, Snippet, SourceLocation
from scenario.server.editor import EditorError, apply_edit
from scenario.server.keys import control_sequence, keystrokes
from scenario.server.setup import asset_mode


def snippet(text: str, **flags: bool) -> Snippet:
    """An execute snippet with the given modifiers."""
    return Snippet(text=text, action=Action.EXECUTE, location=SourceLocation("step1.md", 1, 1), verb="execute",
                   **flags)  # type: ignore[arg-type]


def test_keystrokes() -> None:
    assert keystrokes(snippet("ls -l")) == ["ls -l\r"]
    assert keystrokes(snippet("whoami", interrupt=True)) == ["\x03", "whoami\r"]
    assert keystrokes(snippet("partial", no_newline=True)) == ["partial"]
    assert keystrokes(snippet("^C", ctrl_seq=True)) == ["\x03"]
    assert keystrokes(snippet("uname -r\npwd")) == ["uname -r\rpwd\r"]


def test_control_sequences() -> None:
    assert control_sequence("^ESC") == "\x1b"
    assert control_sequence("^D ^d") == "\x04\x04"
    assert control_sequence(":wq") == ":wq"


def test_editor_edits() -> None:
    assert apply_edit(None, "new\n", "replace") == "new\n"
    assert apply_edit("a\n", "b\n", "append") == "a\nb\n"
    assert apply_edit("a\n", "b\n", "prepend") == "b\na\n"
    assert apply_edit("a\n#TODO\nc\n", "b", "insert", "#TODO") == "a\nb\nc\n"
    with pytest.raises(EditorError, match="an insert block needs a data-marker"):
        apply_edit("a", "b", "insert")
    with pytest.raises(EditorError, match="unknown data-target 'sideways'"):
        apply_edit("a", "b", "sideways")


def test_asset_modes() -> None:
    assert asset_mode(0o644, "+x") == 0o755
    assert asset_mode(0o755, "-w") == 0o555
    assert asset_mode(0o600, "0644") == 0o644
    assert asset_mode(0o640, None) == 0o640
