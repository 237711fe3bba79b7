"""The web client's side of the gRPC conversation: one channel per process, a deadline on every call."""

from __future__ import annotations

import threading

import grpc
import mountains_pb2
import mountains_pb2_grpc


class Backend:
    """Calls MountainService at `address`; every call gives up after `deadline` seconds (grpc.RpcError)."""

    def __init__(self, address: str, deadline: float) -> None:
        self.address = address
        self.deadline = deadline
        self._lock = threading.Lock()
        self._channel: grpc.Channel | None = None
        self._stub: mountains_pb2_grpc.MountainServiceStub | None = None

    def stub(self) -> mountains_pb2_grpc.MountainServiceStub:
        """The stub, its channel opened on first use (so after any fork by gunicorn)."""
        with self._lock:
            if self._stub is None:
                self._channel = grpc.insecure_channel(self.address)
                self._stub = mountains_pb2_grpc.MountainServiceStub(self._channel)
            return self._stub

    def close(self) -> None:
        """Close the channel if one is open."""
        with self._lock:
            if self._channel is not None:
                self._channel.close()
            self._channel = None
            self._stub = None

    def all(self) -> list[mountains_pb2.Mountain]:
        """Every mountain."""
        reply = self.stub().GetAll(mountains_pb2.Empty(), timeout=self.deadline)
        return list(reply.mountains)

    def get(self, mountain_id: str) -> mountains_pb2.Mountain:
        """One mountain."""
        request = mountains_pb2.MountainRequestId(id=mountain_id)
        reply: mountains_pb2.Mountain = self.stub().Get(request, timeout=self.deadline)
        return reply

    def insert(self, name: str, elevation: int, location: str) -> mountains_pb2.Mountain:
        """Add a mountain; returns it with its new id."""
        request = mountains_pb2.Mountain(name=name, elevation=elevation, location=location)
        reply: mountains_pb2.Mountain = self.stub().Insert(request, timeout=self.deadline)
        return reply

    def update(self, mountain_id: str, name: str, elevation: int, location: str) -> mountains_pb2.Mountain:
        """Replace a mountain's fields."""
        request = mountains_pb2.Mountain(id=mountain_id, name=name, elevation=elevation, location=location)
        reply: mountains_pb2.Mountain = self.stub().Update(request, timeout=self.deadline)
        return reply

    def remove(self, mountain_id: str) -> None:
        """Delete a mountain."""
        self.stub().Remove(mountains_pb2.MountainRequestId(id=mountain_id), timeout=self.deadline)
