"""The checker's plan: which commands are left running, control sequences, copy-to-editor edits."""

from __future__ import annotations

import pytest

from scenario.check_plan import Click, control_bytes, edited, editor_path, mark_left_running, typed
from scenario.model import Action, EditorBlock, Snippet, SourceLocation


def snippet(line: int, terminal: int = 1, interrupt: bool = False) -> Click:
    where = SourceLocation("steps/step1.md", line, 1)
    item = Snippet(f"cmd{line}", Action.EXECUTE, where, "execute", terminal=terminal, interrupt=interrupt)
    return Click(where, snippet=item)


def test_left_running_means_interrupted_later_or_last_in_another_terminal() -> None:
    clicks = [
        snippet(1),
        snippet(2, terminal=2),
        snippet(3),
        snippet(4, terminal=2, interrupt=True),
        snippet(5, terminal=3),
        snippet(6),
    ]
    mark_left_running(clicks)
    assert [click.left_running for click in clicks] == [False, True, False, True, True, False]


def test_control_bytes() -> None:
    assert control_bytes("^C") == "\x03"
    assert control_bytes("^ESC") == "\x1b"
    assert control_bytes("^d") == "\x04"
    assert control_bytes(":wq^M") == ":wq\r"


def block(target: str, text: str = "new", marker: str | None = None, name: str = "app.py") -> EditorBlock:
    return EditorBlock(name, target, text, SourceLocation("steps/step1.md", 3, 1), marker)


@pytest.mark.parametrize(
    ("current", "target", "marker", "result"),
    [
        (None, "replace", None, "new\n"),
        ("old\n", "replace", None, "new\n"),
        ("old", "append", None, "old\nnew\n"),
        (None, "append", None, "new\n"),
        ("old\n", "prepend", None, "new\nold\n"),
        ("a\n#HERE\nb\n", "insert", "#HERE", "a\nnew\nb\n"),
    ],
)
def test_edits(current: str | None, target: str, marker: str | None, result: str) -> None:
    assert edited(current, block(target, marker=marker)) == result


def test_an_insert_without_its_marker_fails() -> None:
    with pytest.raises(ValueError) as raised:
        edited("nothing\n", block("insert", marker="#HERE"))
    assert str(raised.value) == "marker '#HERE' is not in app.py"


def test_editor_path() -> None:
    assert editor_path(block("replace"), "/root") == "/root/app.py"
    assert editor_path(block("replace", name="/etc/x.conf"), "/root") == "/etc/x.conf"
    assert editor_path(block("replace", name="sub/y"), "/root/project/") == "/root/project/sub/y"


def test_placeholders_point_at_the_sandbox_itself() -> None:
    katacoda = "curl -s https://[[HOST_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/api"
    assert typed(katacoda) == "curl -s http://127.0.0.1:8080/api"
    assert typed("curl {{TRAFFIC_HOST1_80}}/x && ping -c1 [[HOST_IP]]") == (
        "curl http://127.0.0.1:80/x && ping -c1 127.0.0.1"
    )
    assert typed("echo plain") == "echo plain"
