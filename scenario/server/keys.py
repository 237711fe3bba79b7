"""What a click on a snippet types into a terminal: Ctrl-C first, the text, control sequences, Enter."""

from __future__ import annotations

from scenario.model import Snippet

CTRL_C = "\x03"
ENTER = "\r"
_NAMED_SEQUENCES = {"ESC": "\x1b", "[": "\x1b", "?": "\x7f", "@": "\x00", "SPACE": "\x00"}


def control_sequence(text: str) -> str:
    """Translate `^C`, `^ESC`, `^D ^D` into the bytes a terminal sends for those key presses."""
    out: list[str] = []
    for word in text.split():
        if not word.startswith("^") or len(word) < 2:
            out.append(word)
            continue
        name = word[1:].upper()
        if name in _NAMED_SEQUENCES:
            out.append(_NAMED_SEQUENCES[name])
        elif len(name) == 1 and "A" <= name <= "_":
            out.append(chr(ord(name) - 64))
        else:
            out.append(word)
    return "".join(out)


def keystrokes(snippet: Snippet) -> list[str]:
    """The writes, in order, that run `snippet` in its terminal the way Katacoda does."""
    writes: list[str] = []
    if snippet.interrupt:
        writes.append(CTRL_C)
    if snippet.ctrl_seq:
        writes.append(control_sequence(snippet.text))
        return writes
    text = snippet.text.replace("\r\n", "\n").replace("\n", "\r")
    writes.append(text if snippet.no_newline else text + ENTER)
    return writes
