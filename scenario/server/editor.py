"""Copy-to-editor blocks: replace, append, prepend or insert text at a marker in a file's content."""

from __future__ import annotations

TARGETS = ("replace", "append", "prepend", "insert")


class EditorError(ValueError):
    """A copy-to-editor block that cannot be applied (unknown target, marker not found)."""


def apply_edit(current: str | None, text: str, target: str, marker: str | None = None) -> str:
    """The file's new content after applying a block of `text` with `target` to `current`."""
    old = current or ""
    if target == "replace":
        return text
    if target == "append":
        return old + text
    if target == "prepend":
        return text + old
    if target == "insert":
        if not marker:
            raise EditorError("an insert block needs a data-marker")
        if marker not in old:
            raise EditorError(f"marker {marker!r} is not in the file")
        return old.replace(marker, text, 1)
    raise EditorError(f"unknown data-target {target!r}; expected one of {', '.join(TARGETS)}")
