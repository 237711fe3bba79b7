from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Empty(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Mountain(_message.Message):
    __slots__ = ("id", "name", "elevation", "location")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ELEVATION_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    elevation: int
    location: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., elevation: _Optional[int] = ..., location: _Optional[str] = ...) -> None: ...

class MountainList(_message.Message):
    __slots__ = ("mountains",)
    MOUNTAINS_FIELD_NUMBER: _ClassVar[int]
    mountains: _containers.RepeatedCompositeFieldContainer[Mountain]
    def __init__(self, mountains: _Optional[_Iterable[_Union[Mountain, _Mapping]]] = ...) -> None: ...

class MountainRequestId(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...
