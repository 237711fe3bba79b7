"""Regenerate the Python gRPC modules from mountains.proto with grpcio-tools (`python app/protos.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
PROTO = "mountains.proto"
GENERATED = ("mountains_pb2.py", "mountains_pb2_grpc.py", "mountains_pb2.pyi")


def generate(out_dir: Path = APP_DIR) -> list[Path]:
    """Compile app/mountains.proto into out_dir; return the generated files; raise on a protoc error."""
    from grpc_tools import protoc  # a dev dependency: imported only when generating

    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "grpc_tools.protoc",
        f"--proto_path={APP_DIR}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        PROTO,
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {APP_DIR / PROTO}")
    return [out_dir / name for name in GENERATED]


def main() -> int:
    """Regenerate the modules next to the proto and name them."""
    for path in generate():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
