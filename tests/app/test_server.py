"""The real server as a subprocess on port 0, called by real gRPC clients: every RPC, every error code,
health and reflection through the stock clients, graceful shutdown on SIGTERM and SIGINT."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import grpc
import mountains_pb2
import mountains_pb2_grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from .conftest import ROOT, SERVER_SCRIPT, ServerProcess, open_channel

Mountain = mountains_pb2.Mountain
Health = health_pb2.HealthCheckResponse
SEEDED = [("Mount Everest", 8849, "Nepal and China"), ("Mont Blanc", 4806, "France and Italy")]


@pytest.fixture
def stub(channel: grpc.Channel) -> mountains_pb2_grpc.MountainServiceStub:
    return mountains_pb2_grpc.MountainServiceStub(channel)


def status_of(call: object) -> tuple[grpc.StatusCode, str]:
    """Make the call, which must fail; return its code and details."""
    assert callable(call)
    with pytest.raises(grpc.RpcError) as caught:
        call()
    error = caught.value
    return error.code(), error.details()


def test_prints_the_bound_port_and_nothing_else(start_server: type[ServerProcess]) -> None:
    server = start_server()
    assert server.first_line == f"listening on {server.port}"
    assert server.port > 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass
    server.signal()
    code, rest, _ = server.wait(timeout=20)
    assert (code, rest) == (0, "")


def test_get_all_lists_the_seeded_mountains(stub: mountains_pb2_grpc.MountainServiceStub) -> None:
    reply = stub.GetAll(mountains_pb2.Empty(), timeout=5)
    assert [(m.name, m.elevation, m.location) for m in reply.mountains] == SEEDED
    assert all(uuid.UUID(m.id).version == 4 for m in reply.mountains)


def test_crud_round_trip(stub: mountains_pb2_grpc.MountainServiceStub) -> None:
    added = stub.Insert(Mountain(name="K2", elevation=8611, location="Pakistan and China"), timeout=5)
    assert uuid.UUID(added.id).version == 4
    assert stub.Get(mountains_pb2.MountainRequestId(id=added.id), timeout=5) == added
    changed = stub.Update(Mountain(id=added.id, name="K2", elevation=8614, location="Karakoram"), timeout=5)
    assert (changed.id, changed.elevation, changed.location) == (added.id, 8614, "Karakoram")
    listed = stub.GetAll(mountains_pb2.Empty(), timeout=5).mountains
    assert [m.name for m in listed] == ["Mount Everest", "Mont Blanc", "K2"]
    assert listed[2] == changed
    assert stub.Remove(mountains_pb2.MountainRequestId(id=added.id), timeout=5) == mountains_pb2.Empty()
    assert [m.name for m in stub.GetAll(mountains_pb2.Empty(), timeout=5).mountains] == [
        "Mount Everest",
        "Mont Blanc",
    ]


def test_unknown_ids_are_not_found(stub: mountains_pb2_grpc.MountainServiceStub) -> None:
    missing = mountains_pb2.MountainRequestId(id="no-such-id")
    expected = (grpc.StatusCode.NOT_FOUND, "no mountain with id 'no-such-id'")
    assert status_of(lambda: stub.Get(missing, timeout=5)) == expected
    assert status_of(lambda: stub.Remove(missing, timeout=5)) == expected
    update = Mountain(id="no-such-id", name="K2", elevation=8611)
    assert status_of(lambda: stub.Update(update, timeout=5)) == expected


@pytest.mark.parametrize(
    ("method", "request_message", "details"),
    [
        ("Insert", Mountain(name="", elevation=100), "name is required"),
        ("Insert", Mountain(name="x" * 101, elevation=100), "name is longer than 100 characters (101)"),
        (
            "Insert",
            Mountain(name="K2", elevation=100, location="y" * 201),
            "location is longer than 200 characters (201)",
        ),
        (
            "Insert",
            Mountain(name="K2", elevation=9001),
            "elevation must be between -500 and 9000 metres, got 9001",
        ),
        (
            "Insert",
            Mountain(name="K2", elevation=-501),
            "elevation must be between -500 and 9000 metres, got -501",
        ),
        (
            "Insert",
            Mountain(id="x", name="K2", elevation=1),
            "id is assigned by the server: leave it empty on insert",
        ),
        ("Update", Mountain(name="K2", elevation=1), "id is required"),
        ("Get", mountains_pb2.MountainRequestId(), "id is required"),
        ("Remove", mountains_pb2.MountainRequestId(), "id is required"),
    ],
)
def test_bad_requests_are_invalid_argument(
    stub: mountains_pb2_grpc.MountainServiceStub, method: str, request_message: object, details: str
) -> None:
    call = getattr(stub, method)
    assert status_of(lambda: call(request_message, timeout=5)) == (grpc.StatusCode.INVALID_ARGUMENT, details)
    assert len(stub.GetAll(mountains_pb2.Empty(), timeout=5).mountains) == 2


def test_update_with_bad_fields_keeps_the_old_values(stub: mountains_pb2_grpc.MountainServiceStub) -> None:
    first = stub.GetAll(mountains_pb2.Empty(), timeout=5).mountains[0]
    bad = Mountain(id=first.id, name="Everest", elevation=10000)
    code, details = status_of(lambda: stub.Update(bad, timeout=5))
    assert (code, details) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "elevation must be between -500 and 9000 metres, got 10000",
    )
    assert stub.Get(mountains_pb2.MountainRequestId(id=first.id), timeout=5) == first


def test_concurrent_clients_lose_no_insert(stub: mountains_pb2_grpc.MountainServiceStub) -> None:
    def add_many(worker: int) -> None:
        for i in range(25):
            stub.Insert(Mountain(name=f"peak {worker}-{i}", elevation=i), timeout=10)

    threads = [threading.Thread(target=add_many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mountains = stub.GetAll(mountains_pb2.Empty(), timeout=5).mountains
    assert len(mountains) == 2 + 8 * 25
    assert len({m.id for m in mountains}) == len(mountains)


def test_health_is_serving_for_the_server_and_the_service(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "mountains.MountainService"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == Health.SERVING
    unknown = health_pb2.HealthCheckRequest(service="no.Such")
    assert status_of(lambda: health.Check(unknown, timeout=5))[0] == grpc.StatusCode.NOT_FOUND


def test_reflection_lists_services_and_resolves_the_proto(channel: grpc.Channel) -> None:
    database = ProtoReflectionDescriptorDatabase(channel)
    assert set(database.get_services()) == {
        "mountains.MountainService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }
    file_proto = database.FindFileContainingSymbol("mountains.MountainService")
    assert (file_proto.name, file_proto.package) == ("mountains.proto", "mountains")
    by_name = database.FindFileByName("mountains.proto")
    assert [s.name for s in by_name.service] == ["MountainService"]
    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName("mountains.MountainService")
    assert [m.name for m in service.methods] == ["GetAll", "Get", "Insert", "Update", "Remove"]
    fields = pool.FindMessageTypeByName("mountains.Mountain").fields
    assert [f.name for f in fields] == ["id", "name", "elevation", "location"]


def watch_health(channel: grpc.Channel) -> grpc.Future:
    """A Watch stream on the server's overall health (an iterator of replies that can be cancelled)."""
    return health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=30)


def test_sigterm_drains_in_flight_calls_then_exits_zero(start_server: type[ServerProcess]) -> None:
    server = start_server(MOUNTAINS_RPC_DELAY="1.5")
    with open_channel(server.address) as chan:
        stub = mountains_pb2_grpc.MountainServiceStub(chan)
        stream = watch_health(chan)
        assert next(stream).status == Health.SERVING
        in_flight = stub.GetAll.future(mountains_pb2.Empty(), timeout=20)
        time.sleep(0.5)  # the call is now inside the servicer, sleeping
        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        assert next(stream).status == Health.NOT_SERVING
        stream.cancel()
        assert [m.name for m in in_flight.result(timeout=20).mountains] == ["Mount Everest", "Mont Blanc"]
        code, _, err = server.wait(timeout=20)
        elapsed = time.monotonic() - signalled
        late = status_of(lambda: stub.GetAll(mountains_pb2.Empty(), timeout=2))
    assert code == 0
    assert late[0] == grpc.StatusCode.UNAVAILABLE
    assert elapsed < 8, f"shutdown took {elapsed:.1f}s: it waited out the 10 s grace period"
    assert "SIGTERM received: NOT_SERVING, finishing in-flight calls (grace 10s)" in err
    assert err.rstrip().endswith("mountains.server: stopped")


def test_sigint_stops_cleanly_too(start_server: type[ServerProcess]) -> None:
    server = start_server()
    server.signal(signal.SIGINT)
    code, _, err = server.wait(timeout=20)
    assert code == 0
    assert "SIGINT received" in err
    assert "Traceback" not in err


def test_new_calls_are_refused_while_draining(start_server: type[ServerProcess]) -> None:
    server = start_server(MOUNTAINS_RPC_DELAY="1.5")
    with open_channel(server.address) as chan:
        stub = mountains_pb2_grpc.MountainServiceStub(chan)
        in_flight = stub.GetAll.future(mountains_pb2.Empty(), timeout=20)
        time.sleep(0.5)
        server.signal(signal.SIGTERM)
        time.sleep(0.3)
        refused = status_of(lambda: stub.Get(mountains_pb2.MountainRequestId(id="x"), timeout=5))
        assert len(in_flight.result(timeout=20).mountains) == 2
    assert refused[0] == grpc.StatusCode.UNAVAILABLE
    assert server.wait(timeout=20)[0] == 0


def run_server(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the server script to completion (for settings that make it exit at once)."""
    return subprocess.run(
        [sys.executable, str(SERVER_SCRIPT)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "server: error: PORT must be an integer between 0 and 65535, got 'http'"),
        ({"PORT": "70000"}, "server: error: PORT must be an integer between 0 and 65535, got '70000'"),
        (
            {"PORT": "0", "SHUTDOWN_GRACE": "soon"},
            "server: error: SHUTDOWN_GRACE must be a number, got 'soon'",
        ),
        (
            {"PORT": "0", "MOUNTAINS_RPC_DELAY": "-1"},
            "server: error: MOUNTAINS_RPC_DELAY must be between 0 and 60, got '-1'",
        ),
    ],
)
def test_bad_settings_exit_2_with_a_message(env: dict[str, str], message: str) -> None:
    result = run_server(env)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")


def test_a_taken_port_exits_1_with_a_message() -> None:
    with socket.socket(socket.AF_INET6) as taken:
        taken.bind(("::", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_server({"PORT": str(port)})
    assert (result.returncode, result.stdout) == (1, "")
    assert f"server: error: cannot listen on port {port} (in use, or not allowed)" in result.stderr
    assert "Traceback" not in result.stderr
