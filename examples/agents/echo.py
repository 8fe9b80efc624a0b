"""`echo`: answers with the prompt, exactly, streamed word by word."""

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import last_prompt, scripted_model

__all__ = ["agent"]


def _echo(messages: list[ModelMessage], info: AgentInfo) -> str:
    return last_prompt(messages)


agent = Agent(scripted_model(_echo, name="echo"), description="Answers with the prompt, exactly.")
