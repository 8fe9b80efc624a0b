"""`tools`: `add 2 and 3` → calls the Python tool `add(a, b)`, then answers with the sum."""

import logging
import re

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, Reply, last_prompt, scripted_model, tool_returns

__all__ = ["add", "agent"]

logger = logging.getLogger(__name__)


def _plan(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    if returns := tool_returns(messages):
        return str(returns[0].content)
    numbers = [int(n) for n in re.findall(r"-?\d+", last_prompt(messages))]
    if len(numbers) < 2:
        return "Ask me to add two numbers, e.g. `add 2 and 3`."
    return Call("add", {"a": numbers[0], "b": numbers[1]})


agent = Agent(scripted_model(_plan, name="tools"), description="Adds two numbers with a tool.")


@agent.tool_plain
def add(a: int, b: int) -> int:
    """Add two integers."""
    logger.info("adding %d and %d", a, b)
    return a + b
