"""The mountains service logic: a thread-safe in-memory store with validation, and its gRPC adapter."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

import grpc
import mountains_pb2
import mountains_pb2_grpc

T = TypeVar("T")

SERVICE_NAME = "mountains.MountainService"
MAX_NAME = 100
MAX_LOCATION = 200
MIN_ELEVATION = -500
MAX_ELEVATION = 9000

SEED: tuple[tuple[str, int, str], ...] = (
    ("Mount Everest", 8849, "Nepal and China"),
    ("Mont Blanc", 4806, "France and Italy"),
)


class StoreError(Exception):
    """A request the store refuses: a gRPC status code and a message for the caller."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> StoreError:
    """An INVALID_ARGUMENT refusal."""
    return StoreError(grpc.StatusCode.INVALID_ARGUMENT, message)


def not_found(mountain_id: str) -> StoreError:
    """A NOT_FOUND refusal naming the id."""
    return StoreError(grpc.StatusCode.NOT_FOUND, f"no mountain with id {mountain_id!r}")


def cleaned(mountain: mountains_pb2.Mountain) -> mountains_pb2.Mountain:
    """A copy with name and location stripped of surrounding blanks; raise StoreError if a field is bad."""
    name = mountain.name.strip()
    location = mountain.location.strip()
    if not name:
        raise invalid("name is required")
    if len(name) > MAX_NAME:
        raise invalid(f"name is longer than {MAX_NAME} characters ({len(name)})")
    if len(location) > MAX_LOCATION:
        raise invalid(f"location is longer than {MAX_LOCATION} characters ({len(location)})")
    if not MIN_ELEVATION <= mountain.elevation <= MAX_ELEVATION:
        raise invalid(
            f"elevation must be between {MIN_ELEVATION} and {MAX_ELEVATION} metres, got {mountain.elevation}"
        )
    return mountains_pb2.Mountain(id=mountain.id, name=name, elevation=mountain.elevation, location=location)


def required_id(mountain_id: str) -> str:
    """The id itself; raise INVALID_ARGUMENT when it is empty."""
    if not mountain_id:
        raise invalid("id is required")
    return mountain_id


def new_uuid() -> str:
    """A fresh random id (uuid4)."""
    return str(uuid.uuid4())


class MountainStore:
    """Mountains in insertion order, guarded by a lock; every method returns copies."""

    def __init__(
        self, seed: Iterable[tuple[str, int, str]] = SEED, new_id: Callable[[], str] = new_uuid
    ) -> None:
        self._lock = threading.Lock()
        self._new_id = new_id
        self._items: dict[str, mountains_pb2.Mountain] = {}
        for name, elevation, location in seed:
            self.insert(mountains_pb2.Mountain(name=name, elevation=elevation, location=location))

    def all(self) -> list[mountains_pb2.Mountain]:
        """Every mountain, oldest first."""
        with self._lock:
            return [_copy(m) for m in self._items.values()]

    def get(self, mountain_id: str) -> mountains_pb2.Mountain:
        """The mountain with this id; StoreError NOT_FOUND if there is none."""
        required_id(mountain_id)
        with self._lock:
            if mountain_id not in self._items:
                raise not_found(mountain_id)
            return _copy(self._items[mountain_id])

    def insert(self, mountain: mountains_pb2.Mountain) -> mountains_pb2.Mountain:
        """Add a mountain under a new id and return it; the caller must leave the id empty."""
        if mountain.id:
            raise invalid("id is assigned by the server: leave it empty on insert")
        item = cleaned(mountain)
        with self._lock:
            item.id = self._new_id()
            self._items[item.id] = item
            return _copy(item)

    def update(self, mountain: mountains_pb2.Mountain) -> mountains_pb2.Mountain:
        """Replace the fields of the mountain with this id and return the stored value."""
        required_id(mountain.id)
        item = cleaned(mountain)
        with self._lock:
            if item.id not in self._items:
                raise not_found(item.id)
            self._items[item.id] = item
            return _copy(item)

    def remove(self, mountain_id: str) -> None:
        """Delete the mountain with this id; StoreError NOT_FOUND if there is none."""
        required_id(mountain_id)
        with self._lock:
            if self._items.pop(mountain_id, None) is None:
                raise not_found(mountain_id)


def _copy(mountain: mountains_pb2.Mountain) -> mountains_pb2.Mountain:
    result = mountains_pb2.Mountain()
    result.CopyFrom(mountain)
    return result


class MountainServicer(mountains_pb2_grpc.MountainServiceServicer):
    """Serves a MountainStore over gRPC; `delay` adds latency to every call (for demos of shutdown)."""

    def __init__(self, store: MountainStore, delay: float = 0.0) -> None:
        self._store = store
        self._delay = delay

    def _pause(self) -> None:
        if self._delay > 0:
            time.sleep(self._delay)

    def GetAll(
        self, request: mountains_pb2.Empty, context: grpc.ServicerContext
    ) -> mountains_pb2.MountainList:
        """Every mountain."""
        self._pause()
        return mountains_pb2.MountainList(mountains=self._store.all())

    def Get(
        self, request: mountains_pb2.MountainRequestId, context: grpc.ServicerContext
    ) -> mountains_pb2.Mountain:
        """One mountain by id."""
        self._pause()
        return _call(context, lambda: self._store.get(request.id))

    def Insert(
        self, request: mountains_pb2.Mountain, context: grpc.ServicerContext
    ) -> mountains_pb2.Mountain:
        """Add a mountain."""
        self._pause()
        return _call(context, lambda: self._store.insert(request))

    def Update(
        self, request: mountains_pb2.Mountain, context: grpc.ServicerContext
    ) -> mountains_pb2.Mountain:
        """Replace a mountain's fields."""
        self._pause()
        return _call(context, lambda: self._store.update(request))

    def Remove(
        self, request: mountains_pb2.MountainRequestId, context: grpc.ServicerContext
    ) -> mountains_pb2.Empty:
        """Delete a mountain."""
        self._pause()
        _call(context, lambda: self._store.remove(request.id))
        return mountains_pb2.Empty()


def _call(context: grpc.ServicerContext, action: Callable[[], T]) -> T:
    """Run a store action; turn a StoreError into the call's status (context.abort raises)."""
    try:
        return action()
    except StoreError as error:
        context.abort(error.code, error.message)
        raise AssertionError("context.abort returned") from error
