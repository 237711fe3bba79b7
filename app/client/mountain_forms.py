"""Reading the add/edit form: the values as typed, and every problem in words a person understands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_ELEVATION = -500
MAX_ELEVATION = 9000
MAX_NAME = 100
MAX_LOCATION = 200


@dataclass(frozen=True)
class MountainForm:
    """What was typed (kept to re-render the form), the elevation as a number if valid, and the errors."""

    name: str
    elevation_text: str
    location: str
    elevation: int | None
    errors: tuple[str, ...]


def read_form(fields: Mapping[str, str]) -> MountainForm:
    """Check the posted fields: name required, elevation a whole number in range."""
    name = fields.get("name", "").strip()
    elevation_text = fields.get("elevation", "").strip()
    location = fields.get("location", "").strip()
    errors: list[str] = []
    if not name:
        errors.append("Name is required.")
    elevation, problem = parse_elevation(elevation_text)
    if problem:
        errors.append(problem)
    return MountainForm(name, elevation_text, location, elevation, tuple(errors))


def parse_elevation(text: str) -> tuple[int | None, str | None]:
    """The elevation in metres, or None and the reason it is not acceptable."""
    if not text:
        return None, "Elevation is required."
    try:
        value = int(text)
    except ValueError:
        return None, f"Elevation must be a whole number of metres, not {text!r}."
    if not MIN_ELEVATION <= value <= MAX_ELEVATION:
        return None, f"Elevation must be between {MIN_ELEVATION} and {MAX_ELEVATION} metres, not {value}."
    return value, None
