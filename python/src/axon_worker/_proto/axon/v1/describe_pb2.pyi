from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DescribeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ("agents", "versions", "pid")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[AgentDescription]
    versions: Versions
    pid: int
    def __init__(self, agents: _Optional[_Iterable[_Union[AgentDescription, _Mapping]]] = ..., versions: _Optional[_Union[Versions, _Mapping]] = ..., pid: _Optional[int] = ...) -> None: ...

class AgentDescription(_message.Message):
    __slots__ = ("name", "description", "default_model", "output_kind", "output_json_schema", "tools", "deps_json_schema")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_KIND_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    DEPS_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    default_model: str
    output_kind: str
    output_json_schema: bytes
    tools: _containers.RepeatedCompositeFieldContainer[ToolDescription]
    deps_json_schema: bytes
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., default_model: _Optional[str] = ..., output_kind: _Optional[str] = ..., output_json_schema: _Optional[bytes] = ..., tools: _Optional[_Iterable[_Union[ToolDescription, _Mapping]]] = ..., deps_json_schema: _Optional[bytes] = ...) -> None: ...

class ToolDescription(_message.Message):
    __slots__ = ("name", "description", "parameters_json_schema")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters_json_schema: bytes
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters_json_schema: _Optional[bytes] = ...) -> None: ...

class Versions(_message.Message):
    __slots__ = ("python", "pydantic_ai", "axon_worker", "grpc")
    PYTHON_FIELD_NUMBER: _ClassVar[int]
    PYDANTIC_AI_FIELD_NUMBER: _ClassVar[int]
    AXON_WORKER_FIELD_NUMBER: _ClassVar[int]
    GRPC_FIELD_NUMBER: _ClassVar[int]
    python: str
    pydantic_ai: str
    axon_worker: str
    grpc: str
    def __init__(self, python: _Optional[str] = ..., pydantic_ai: _Optional[str] = ..., axon_worker: _Optional[str] = ..., grpc: _Optional[str] = ...) -> None: ...
