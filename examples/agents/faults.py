"""`faults`: fails with one error kind per prompt, the way real agents fail (docs/errors.md).

- `http N`: the model answers HTTP status N (`ModelHTTPError`) → model_http_error.
- `api`: the model's connection fails (`ModelAPIError`) → model_api_error.
- `odd`: the model answers something unusable (`UnexpectedModelBehavior`) → unexpected_model_behavior.
- `retry`: tool `flaky` raises `ModelRetry` until its retries run out → unexpected_model_behavior
  with `tool_name` "flaky".
- `output`: the output validator rejects every answer until the output retries run out →
  output_validation.
- `user`: pydantic-ai's `UserError` (a developer mistake) → user_error.
- `timeout`: the output validator asks a reviewer agent with a `timeout=` it outlives; its
  `RunTimedOut` ends the run → timeout. (From inside a tool it would not: pydantic-ai turns a
  sub-agent's cancellation there into a failed tool result for the model.)
- `cancel`: tool `give_up` cancels its own run (`RunContext.cancel()`, `RunCancelled`) → cancelled.
- `usage`: calls tool `noop` once, then answers: a `requestLimit` of 1 trips → usage_limit_exceeded.
- `raise`: tool `fail` raises ValueError → internal.
- anything else: `ok`.
"""

import asyncio

from pydantic_ai import Agent, ModelRetry, RunContext
from pydantic_ai.exceptions import ModelAPIError, ModelHTTPError, UnexpectedModelBehavior, UserError
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, Reply, last_prompt, scripted_model, tool_returns

__all__ = ["agent"]

MODEL = "faults"
REVIEW_TIMEOUT_S = 0.05


def _plan(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    words = last_prompt(messages).split()
    command = words[0] if words else ""
    if command == "retry":
        return Call("flaky", {})  # whatever the retry prompt says, call it again
    if returns := tool_returns(messages):
        return str(returns[0].content)
    match command:
        case "http":
            raise ModelHTTPError(int(words[1]) if len(words) > 1 else 500, MODEL, {"error": "on purpose"})
        case "api":
            raise ModelAPIError(MODEL, "faults: connection reset on purpose")
        case "odd":
            raise UnexpectedModelBehavior("faults: the model answered nonsense on purpose")
        case "user":
            raise UserError("faults: misconfigured on purpose")
        case "cancel":
            return Call("give_up", {})
        case "usage":
            return Call("noop", {})
        case "raise":
            return Call("fail", {})
        case "output" | "timeout":
            return "never good enough"
        case _:
            return "ok"


agent = Agent(scripted_model(_plan, name=MODEL), description="Fails with one error kind per prompt.")

_reviewer = Agent(scripted_model(lambda _m, _i: Call("wait", {}), name="reviewer"))


@_reviewer.tool_plain
async def wait() -> str:
    await asyncio.sleep(30)
    return "approved"


@agent.output_validator
async def _review(ctx: RunContext[object], output: str) -> str:
    prompt = last_prompt(ctx.messages)
    if prompt.startswith("output"):
        raise ModelRetry("faults: not good enough (never is)")
    if prompt.startswith("timeout"):
        await _reviewer.run(f"review: {output}", timeout=REVIEW_TIMEOUT_S)
    return output


@agent.tool_plain
def flaky() -> str:
    raise ModelRetry("faults: try again (this never works)")


@agent.tool
async def give_up(ctx: RunContext[object]) -> str:
    ctx.cancel()
    await asyncio.sleep(0)  # the cancellation is delivered at the next await
    return "not reached"


@agent.tool_plain
def noop() -> str:
    return "done"


@agent.tool_plain
def fail() -> str:
    raise ValueError("faults: the tool failed on purpose")
