"""The committed gRPC modules are exactly what app/protos.py generates from mountains.proto."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import APP_DIR, ROOT, load_module

protos = load_module("mountains_protos", APP_DIR / "protos.py")


def test_regenerating_gives_the_committed_files(tmp_path: Path) -> None:
    generated = protos.generate(tmp_path)
    assert [path.name for path in generated] == [
        "mountains_pb2.py",
        "mountains_pb2_grpc.py",
        "mountains_pb2.pyi",
    ]
    for path in generated:
        committed = APP_DIR / path.name
        assert path.read_bytes() == committed.read_bytes(), f"{committed} is stale: run python app/protos.py"


def test_generated_service_matches_the_agreed_interface() -> None:
    import mountains_pb2

    service = mountains_pb2.DESCRIPTOR.services_by_name["MountainService"]
    methods = {m.name: (m.input_type.name, m.output_type.name) for m in service.methods}
    assert service.full_name == "mountains.MountainService"
    assert methods == {
        "GetAll": ("Empty", "MountainList"),
        "Get": ("MountainRequestId", "Mountain"),
        "Insert": ("Mountain", "Mountain"),
        "Update": ("Mountain", "Mountain"),
        "Remove": ("MountainRequestId", "Empty"),
    }
    fields = {f.name: f.type for f in mountains_pb2.Mountain.DESCRIPTOR.fields}
    descriptor = mountains_pb2.Mountain.DESCRIPTOR.fields[0]
    assert fields == {
        "id": descriptor.TYPE_STRING,
        "name": descriptor.TYPE_STRING,
        "elevation": descriptor.TYPE_INT32,
        "location": descriptor.TYPE_STRING,
    }


def test_script_regenerates_in_place_without_changes() -> None:
    before = {name: (APP_DIR / name).read_bytes() for name in protos.GENERATED}
    result = subprocess.run(
        [sys.executable, "app/protos.py"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {APP_DIR / name}" for name in protos.GENERATED]
    assert {name: (APP_DIR / name).read_bytes() for name in protos.GENERATED} == before
