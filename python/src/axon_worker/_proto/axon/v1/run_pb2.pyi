from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunRequest(_message.Message):
    __slots__ = ("agent", "prompt", "message_history_json", "model_settings_json", "model", "deps_json", "usage_limits", "run_id", "metadata_json", "host_tools", "deferred_tool_results")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_HISTORY_JSON_FIELD_NUMBER: _ClassVar[int]
    MODEL_SETTINGS_JSON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    DEPS_JSON_FIELD_NUMBER: _ClassVar[int]
    USAGE_LIMITS_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    HOST_TOOLS_FIELD_NUMBER: _ClassVar[int]
    DEFERRED_TOOL_RESULTS_FIELD_NUMBER: _ClassVar[int]
    agent: str
    prompt: str
    message_history_json: bytes
    model_settings_json: bytes
    model: str
    deps_json: bytes
    usage_limits: UsageLimits
    run_id: str
    metadata_json: bytes
    host_tools: _containers.RepeatedCompositeFieldContainer[ToolDefinition]
    deferred_tool_results: _containers.RepeatedCompositeFieldContainer[DeferredToolResult]
    def __init__(self, agent: _Optional[str] = ..., prompt: _Optional[str] = ..., message_history_json: _Optional[bytes] = ..., model_settings_json: _Optional[bytes] = ..., model: _Optional[str] = ..., deps_json: _Optional[bytes] = ..., usage_limits: _Optional[_Union[UsageLimits, _Mapping]] = ..., run_id: _Optional[str] = ..., metadata_json: _Optional[bytes] = ..., host_tools: _Optional[_Iterable[_Union[ToolDefinition, _Mapping]]] = ..., deferred_tool_results: _Optional[_Iterable[_Union[DeferredToolResult, _Mapping]]] = ...) -> None: ...

class UsageLimits(_message.Message):
    __slots__ = ("request_limit", "tool_calls_limit", "input_tokens_limit", "output_tokens_limit", "total_tokens_limit")
    REQUEST_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    request_limit: int
    tool_calls_limit: int
    input_tokens_limit: int
    output_tokens_limit: int
    total_tokens_limit: int
    def __init__(self, request_limit: _Optional[int] = ..., tool_calls_limit: _Optional[int] = ..., input_tokens_limit: _Optional[int] = ..., output_tokens_limit: _Optional[int] = ..., total_tokens_limit: _Optional[int] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("requests", "tool_calls", "input_tokens", "output_tokens", "total_tokens")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    requests: int
    tool_calls: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    def __init__(self, requests: _Optional[int] = ..., tool_calls: _Optional[int] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ...) -> None: ...

class ToolDefinition(_message.Message):
    __slots__ = ("name", "description", "parameters_json_schema", "requires_approval")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters_json_schema: bytes
    requires_approval: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters_json_schema: _Optional[bytes] = ..., requires_approval: _Optional[bool] = ...) -> None: ...

class DeferredToolResult(_message.Message):
    __slots__ = ("tool_call_id", "return_json", "retry_text", "approval")
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_JSON_FIELD_NUMBER: _ClassVar[int]
    RETRY_TEXT_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_FIELD_NUMBER: _ClassVar[int]
    tool_call_id: str
    return_json: bytes
    retry_text: str
    approval: ApprovalDecision
    def __init__(self, tool_call_id: _Optional[str] = ..., return_json: _Optional[bytes] = ..., retry_text: _Optional[str] = ..., approval: _Optional[_Union[ApprovalDecision, _Mapping]] = ...) -> None: ...

class ApprovalDecision(_message.Message):
    __slots__ = ("approved", "denied_message", "override_args_json")
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    DENIED_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    OVERRIDE_ARGS_JSON_FIELD_NUMBER: _ClassVar[int]
    approved: bool
    denied_message: str
    override_args_json: bytes
    def __init__(self, approved: _Optional[bool] = ..., denied_message: _Optional[str] = ..., override_args_json: _Optional[bytes] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("tool_call_id", "tool_name", "args_json")
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    ARGS_JSON_FIELD_NUMBER: _ClassVar[int]
    tool_call_id: str
    tool_name: str
    args_json: bytes
    def __init__(self, tool_call_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., args_json: _Optional[bytes] = ...) -> None: ...

class DeferredToolRequests(_message.Message):
    __slots__ = ("calls", "approvals")
    CALLS_FIELD_NUMBER: _ClassVar[int]
    APPROVALS_FIELD_NUMBER: _ClassVar[int]
    calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    approvals: _containers.RepeatedCompositeFieldContainer[ToolCall]
    def __init__(self, calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., approvals: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ...) -> None: ...

class RunResponse(_message.Message):
    __slots__ = ("output_json", "usage", "new_messages_json", "all_messages_json", "run_id", "model_name", "deferred")
    OUTPUT_JSON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    NEW_MESSAGES_JSON_FIELD_NUMBER: _ClassVar[int]
    ALL_MESSAGES_JSON_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    DEFERRED_FIELD_NUMBER: _ClassVar[int]
    output_json: bytes
    usage: Usage
    new_messages_json: bytes
    all_messages_json: bytes
    run_id: str
    model_name: str
    deferred: DeferredToolRequests
    def __init__(self, output_json: _Optional[bytes] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., new_messages_json: _Optional[bytes] = ..., all_messages_json: _Optional[bytes] = ..., run_id: _Optional[str] = ..., model_name: _Optional[str] = ..., deferred: _Optional[_Union[DeferredToolRequests, _Mapping]] = ...) -> None: ...

class RunEvent(_message.Message):
    __slots__ = ("text_delta", "output_delta", "thinking_delta", "tool_call", "tool_result", "final", "batch")
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_DELTA_FIELD_NUMBER: _ClassVar[int]
    THINKING_DELTA_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    TOOL_RESULT_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    text_delta: TextDelta
    output_delta: OutputDelta
    thinking_delta: ThinkingDelta
    tool_call: ToolCall
    tool_result: ToolResult
    final: RunResponse
    batch: RunEventBatch
    def __init__(self, text_delta: _Optional[_Union[TextDelta, _Mapping]] = ..., output_delta: _Optional[_Union[OutputDelta, _Mapping]] = ..., thinking_delta: _Optional[_Union[ThinkingDelta, _Mapping]] = ..., tool_call: _Optional[_Union[ToolCall, _Mapping]] = ..., tool_result: _Optional[_Union[ToolResult, _Mapping]] = ..., final: _Optional[_Union[RunResponse, _Mapping]] = ..., batch: _Optional[_Union[RunEventBatch, _Mapping]] = ...) -> None: ...

class RunEventBatch(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[RunEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[RunEvent, _Mapping]]] = ...) -> None: ...

class TextDelta(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class OutputDelta(_message.Message):
    __slots__ = ("partial_json",)
    PARTIAL_JSON_FIELD_NUMBER: _ClassVar[int]
    partial_json: bytes
    def __init__(self, partial_json: _Optional[bytes] = ...) -> None: ...

class ThinkingDelta(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class ToolResult(_message.Message):
    __slots__ = ("tool_call_id", "tool_name", "content_json", "retry_text")
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_JSON_FIELD_NUMBER: _ClassVar[int]
    RETRY_TEXT_FIELD_NUMBER: _ClassVar[int]
    tool_call_id: str
    tool_name: str
    content_json: bytes
    retry_text: str
    def __init__(self, tool_call_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., content_json: _Optional[bytes] = ..., retry_text: _Optional[str] = ...) -> None: ...
