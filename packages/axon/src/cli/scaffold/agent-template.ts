// The example agent `axon init` writes: plain pydantic-ai, answering offline until it gets a
// real model, so a new project's first `axon run` needs no key and no network.
export const AGENT_PY = `"""\`assistant\`: an example pydantic-ai agent served by Axon.

It answers offline with a FunctionModel (it repeats what you said, streamed word by word), so
it runs without a key or network. For a real model, set \`model\` in axon.config.ts or use the
commented line below; any OpenAI-compatible server works with OPENAI_BASE_URL.
"""

from collections.abc import AsyncIterator
from datetime import datetime, timezone

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

__all__ = ["agent"]


def _answer(messages: list[ModelMessage]) -> str:
    prompts = [
        part.content
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart) and isinstance(part.content, str)
    ]
    return f"You said: {prompts[-1] if prompts else ''}"


async def _reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart(_answer(messages))])


async def _stream_reply(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    for index, word in enumerate(_answer(messages).split(" ")):
        yield word if index == 0 else f" {word}"


agent = Agent(
    FunctionModel(_reply, stream_function=_stream_reply),
    # "openai-chat:gpt-4o-mini",  # a real model: needs OPENAI_API_KEY (and OPENAI_BASE_URL for other servers)
    instructions="You are a helpful assistant. Answer in one or two sentences.",
    description="An example assistant (offline until it gets a real model).",
)


@agent.tool_plain
def current_time() -> str:
    """The current time in UTC, ISO 8601."""
    return datetime.now(timezone.utc).isoformat()
`;
