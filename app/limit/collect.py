"""Gather the smallest root file system that still runs the server: the app, its installed packages, and
of Python only the interpreter, the standard library modules the server loads and the libraries they need.

Run inside the builder stage of app/limit/Dockerfile as `python3 collect.py ROOTFS`. It starts the server
(PORT=0), calls every service it offers (health, reflection, each MountainService method), stops it with
SIGTERM, and records every module the server process had loaded at exit. It then copies the standard
library modules among them, the whole of /packages and /app (as the secure image has them), the
interpreter and the shared libraries `ldd` reports into ROOTFS: the interpreter at /usr/bin/python3.11, the
standard library under /usr/lib/python3.11, libraries in the loader's default folder, so the same layout
works whether the builder's Python lives in /usr or /usr/local.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

SERVER = Path("/app/server/server.py")
LIBDIR = Path("usr/lib/x86_64-linux-gnu")
VERSION = f"python{sys.version_info[0]}.{sys.version_info[1]}"

# Runs the server as `python3 /app/server/server.py` would, then lists the files of every loaded module.
WRAPPER = """
import atexit, json, runpy, sys
record = sys.argv[1]
def dump():
    files = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())} - {""})
    with open(record, "w") as out:
        json.dump(files, out)
atexit.register(dump)
server = sys.argv[2]
sys.argv = [server]
sys.path[0] = server.rsplit("/", 1)[0]
runpy.run_path(server, run_name="__main__")
"""


def exercise(port: int) -> None:
    """Call each service the server offers, so lazily imported modules load too."""
    import grpc
    import mountains_pb2
    import mountains_pb2_grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING, health
        stub = mountains_pb2_grpc.MountainServiceStub(channel)
        added = stub.Insert(mountains_pb2.Mountain(name="Limit", elevation=1, location="here"), timeout=10)
        changed = mountains_pb2.Mountain(id=added.id, name="Limit", elevation=2, location="here")
        stub.Update(changed, timeout=10)
        stub.Get(mountains_pb2.MountainRequestId(id=added.id), timeout=10)
        stub.GetAll(mountains_pb2.Empty(), timeout=10)
        stub.Remove(mountains_pb2.MountainRequestId(id=added.id), timeout=10)
        for call in (
            lambda: stub.Get(mountains_pb2.MountainRequestId(id="none"), timeout=10),
            lambda: stub.Insert(mountains_pb2.Mountain(name=""), timeout=10),
        ):
            with contextlib.suppress(grpc.RpcError):
                call()
        reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        list(reflect.ServerReflectionInfo(iter([request]), timeout=10))


def loaded_files() -> list[str]:
    """Run the server, exercise it, stop it with SIGTERM; the files of the modules it had loaded."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "modules.json"
        env = dict(os.environ, PORT="0", PYTHONDONTWRITEBYTECODE="1")
        command = [sys.executable, "-c", WRAPPER, str(out), str(SERVER)]
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as server:
            assert server.stdout is not None
            line = server.stdout.readline()
            match = re.fullmatch(r"listening on (\d+)\n", line)
            if match is None:
                server.kill()
                raise SystemExit(f"collect.py: the server did not start (first line {line!r})")
            exercise(int(match.group(1)))
            server.send_signal(signal.SIGTERM)
            if server.wait(timeout=30) != 0:
                raise SystemExit(f"collect.py: the server exited with {server.returncode}")
        files: list[str] = json.loads(out.read_text())
    return files


def target(path: Path) -> Path:
    """Where a file goes in the new root: the standard library moves under /usr, the rest stays."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if path.is_relative_to(stdlib):
        return Path("usr/lib") / VERSION / path.relative_to(stdlib)
    return path.relative_to("/")


def copy(source: Path, root: Path, where: Path) -> None:
    """Copy one file's content (symlinks followed) to root/where."""
    destination = root / where
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    shutil.copymode(source, destination)


def libraries(binaries: list[Path]) -> dict[str, Path]:
    """The shared libraries (soname -> file) `ldd` reports for the binaries, the loader included."""
    found: dict[str, Path] = {}
    for binary in binaries:
        listing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
        for line in listing.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                found[parts[0]] = Path(parts[2])
            elif parts and parts[0].startswith("/"):
                found[parts[0]] = Path(parts[0])
    return found


def main() -> None:
    """Fill the root folder named on the command line."""
    root = Path(sys.argv[1])
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = {path for path in map(Path, loaded_files()) if path.is_relative_to(stdlib)}
    files |= {stdlib / "os.py"}  # the landmark by which Python finds its standard library
    for tree in (Path("/app"), Path("/packages")):  # the app and its packages, whole, as in the secure image
        files |= {path for path in tree.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    interpreter = Path(sys.executable).resolve()
    copy(interpreter, root, Path("usr/bin") / VERSION)
    (root / "usr/bin/python3").symlink_to(VERSION)
    for path in sorted(files):
        copy(path, root, target(path))
    (root / "usr/lib" / VERSION / "lib-dynload").mkdir(parents=True, exist_ok=True)
    binaries = [interpreter] + [path for path in files if path.suffix == ".so"]
    for name, path in sorted(libraries(binaries).items()):
        copy(path, root, Path(name).relative_to("/") if name.startswith("/") else LIBDIR / name)
    for folder in ("lib", "lib64", "bin"):
        if not (root / folder).exists():
            (root / folder).symlink_to(f"usr/{folder}")
    (root / "etc").mkdir(exist_ok=True)
    (root / "etc/passwd").write_text("nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n")
    print(f"collect.py: {len(files)} module files, {len(libraries(binaries))} libraries")


if __name__ == "__main__":
    main()
