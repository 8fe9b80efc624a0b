from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_KIND_UNSPECIFIED: _ClassVar[ErrorKind]
    ERROR_KIND_INVALID_REQUEST: _ClassVar[ErrorKind]
    ERROR_KIND_AGENT_NOT_FOUND: _ClassVar[ErrorKind]
    ERROR_KIND_USAGE_LIMIT_EXCEEDED: _ClassVar[ErrorKind]
    ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR: _ClassVar[ErrorKind]
    ERROR_KIND_MODEL_HTTP_ERROR: _ClassVar[ErrorKind]
    ERROR_KIND_MODEL_API_ERROR: _ClassVar[ErrorKind]
    ERROR_KIND_OUTPUT_VALIDATION: _ClassVar[ErrorKind]
    ERROR_KIND_USER_ERROR: _ClassVar[ErrorKind]
    ERROR_KIND_CANCELLED: _ClassVar[ErrorKind]
    ERROR_KIND_INTERNAL: _ClassVar[ErrorKind]
    ERROR_KIND_TIMEOUT: _ClassVar[ErrorKind]
    ERROR_KIND_AGENT_UNAVAILABLE: _ClassVar[ErrorKind]
ERROR_KIND_UNSPECIFIED: ErrorKind
ERROR_KIND_INVALID_REQUEST: ErrorKind
ERROR_KIND_AGENT_NOT_FOUND: ErrorKind
ERROR_KIND_USAGE_LIMIT_EXCEEDED: ErrorKind
ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR: ErrorKind
ERROR_KIND_MODEL_HTTP_ERROR: ErrorKind
ERROR_KIND_MODEL_API_ERROR: ErrorKind
ERROR_KIND_OUTPUT_VALIDATION: ErrorKind
ERROR_KIND_USER_ERROR: ErrorKind
ERROR_KIND_CANCELLED: ErrorKind
ERROR_KIND_INTERNAL: ErrorKind
ERROR_KIND_TIMEOUT: ErrorKind
ERROR_KIND_AGENT_UNAVAILABLE: ErrorKind

class ErrorDetail(_message.Message):
    __slots__ = ("kind", "message", "python_type", "traceback", "retryable", "status_code", "agent", "run_id", "field", "tool_name", "draining")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PYTHON_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    DRAINING_FIELD_NUMBER: _ClassVar[int]
    kind: ErrorKind
    message: str
    python_type: str
    traceback: str
    retryable: bool
    status_code: int
    agent: str
    run_id: str
    field: str
    tool_name: str
    draining: bool
    def __init__(self, kind: _Optional[_Union[ErrorKind, str]] = ..., message: _Optional[str] = ..., python_type: _Optional[str] = ..., traceback: _Optional[str] = ..., retryable: _Optional[bool] = ..., status_code: _Optional[int] = ..., agent: _Optional[str] = ..., run_id: _Optional[str] = ..., field: _Optional[str] = ..., tool_name: _Optional[str] = ..., draining: _Optional[bool] = ...) -> None: ...
