"""Unit tests of the mountains store: seeding, ids, validation messages, copies, thread safety."""

from __future__ import annotations

import itertools
import threading

import grpc
import mountains_pb2
import pytest
import servicer
from servicer import MountainStore, StoreError

Mountain = mountains_pb2.Mountain


def counting_ids() -> MountainStore:
    counter = itertools.count(1)
    return MountainStore(new_id=lambda: f"id-{next(counter)}")


def refusal(action: object) -> StoreError:
    assert callable(action)
    with pytest.raises(StoreError) as caught:
        action()
    return caught.value


def test_seeded_with_two_mountains_in_order() -> None:
    mountains = MountainStore().all()
    assert [(m.name, m.elevation, m.location) for m in mountains] == [
        ("Mount Everest", 8849, "Nepal and China"),
        ("Mont Blanc", 4806, "France and Italy"),
    ]


def test_default_ids_are_uuid4() -> None:
    ids = [m.id for m in MountainStore().all()]
    assert len(set(ids)) == 2
    for mountain_id in ids:
        assert len(mountain_id) == 36 and mountain_id[14] == "4"


def test_insert_assigns_an_id_and_strips_blanks() -> None:
    store = counting_ids()
    added = store.insert(Mountain(name="  Denali ", elevation=6190, location=" Alaska "))
    assert (added.id, added.name, added.location) == ("id-3", "Denali", "Alaska")
    assert store.get("id-3") == added
    assert [m.name for m in store.all()][-1] == "Denali"


def test_insert_refuses_a_client_chosen_id() -> None:
    error = refusal(lambda: MountainStore().insert(Mountain(id="mine", name="K2", elevation=8611)))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.message == "id is assigned by the server: leave it empty on insert"


@pytest.mark.parametrize(
    ("mountain", "message"),
    [
        (Mountain(name="", elevation=1), "name is required"),
        (Mountain(name="   ", elevation=1), "name is required"),
        (Mountain(name="x" * 101, elevation=1), "name is longer than 100 characters (101)"),
        (
            Mountain(name="K2", elevation=1, location="y" * 201),
            "location is longer than 200 characters (201)",
        ),
        (Mountain(name="K2", elevation=9001), "elevation must be between -500 and 9000 metres, got 9001"),
        (Mountain(name="K2", elevation=-501), "elevation must be between -500 and 9000 metres, got -501"),
    ],
)
def test_bad_fields_are_invalid_argument(mountain: mountains_pb2.Mountain, message: str) -> None:
    store = MountainStore()
    error = refusal(lambda: store.insert(mountain))
    assert (error.code, error.message) == (grpc.StatusCode.INVALID_ARGUMENT, message)
    assert len(store.all()) == 2


def test_limits_are_inclusive() -> None:
    store = MountainStore()
    store.insert(Mountain(name="x" * 100, elevation=9000, location="y" * 200))
    store.insert(Mountain(name="Dead Sea shore", elevation=-500))
    assert [m.elevation for m in store.all()][-2:] == [9000, -500]


def test_update_replaces_fields() -> None:
    store = counting_ids()
    changed = store.update(Mountain(id="id-2", name="Mont Blanc", elevation=4808, location="Alps"))
    assert changed == Mountain(id="id-2", name="Mont Blanc", elevation=4808, location="Alps")
    assert store.get("id-2") == changed


def test_update_unknown_and_empty_ids() -> None:
    store = MountainStore()
    missing = refusal(lambda: store.update(Mountain(id="nope", name="K2", elevation=8611)))
    assert (missing.code, missing.message) == (grpc.StatusCode.NOT_FOUND, "no mountain with id 'nope'")
    empty = refusal(lambda: store.update(Mountain(name="K2", elevation=8611)))
    assert (empty.code, empty.message) == (grpc.StatusCode.INVALID_ARGUMENT, "id is required")


def test_update_validates_before_looking_up() -> None:
    store = counting_ids()
    error = refusal(lambda: store.update(Mountain(id="id-1", name="", elevation=1)))
    assert error.message == "name is required"
    assert store.get("id-1").name == "Mount Everest"


def test_get_and_remove() -> None:
    store = counting_ids()
    store.remove("id-1")
    assert [m.id for m in store.all()] == ["id-2"]
    again = refusal(lambda: store.remove("id-1"))
    assert (again.code, again.message) == (grpc.StatusCode.NOT_FOUND, "no mountain with id 'id-1'")
    gone = refusal(lambda: store.get("id-1"))
    assert gone.code == grpc.StatusCode.NOT_FOUND
    assert refusal(lambda: store.get("")).message == "id is required"
    assert refusal(lambda: store.remove("")).code == grpc.StatusCode.INVALID_ARGUMENT


def test_callers_get_copies() -> None:
    store = counting_ids()
    store.get("id-1").name = "changed"
    store.all()[0].name = "changed"
    mine = Mountain(name="K2", elevation=8611)
    store.insert(mine)
    mine.name = "changed"
    assert [m.name for m in store.all()] == ["Mount Everest", "Mont Blanc", "K2"]


def test_concurrent_inserts_lose_nothing() -> None:
    store = MountainStore()

    def add_many(worker: int) -> None:
        for i in range(200):
            store.insert(Mountain(name=f"peak {worker}-{i}", elevation=i))

    threads = [threading.Thread(target=add_many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mountains = store.all()
    assert len(mountains) == 2 + 8 * 200
    assert len({m.id for m in mountains}) == len(mountains)


def test_service_name_matches_the_proto() -> None:
    assert mountains_pb2.DESCRIPTOR.services_by_name["MountainService"].full_name == servicer.SERVICE_NAME
