"""One scripted agent per pydantic-ai output mode, as pydantic-ai's docs write them: the fixtures that
prove each mode serves, describes and streams (python/tests/test_output_modes.py,
packages/axon/test/output-modes.test.ts). Every agent answers about Paris (or France when the
prompt says `country`), so the tests can state one expected output per mode.
"""

from __future__ import annotations

import json

from pydantic import BaseModel
from pydantic_ai import (
    Agent,
    DeferredToolRequests,
    NativeOutput,
    PromptedOutput,
    TextOutput,
    ToolOutput,
)
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, Reply, last_prompt, scripted_model, tool_returns

__all__ = [
    "City",
    "Country",
    "deferred",
    "function",
    "instructions_only",
    "listed",
    "native",
    "native_union",
    "optional",
    "plain",
    "prompted",
    "text_output",
    "tool_output",
    "union",
]


class City(BaseModel):
    city: str
    country: str
    population: int


class Country(BaseModel):
    country: str
    capital: str


PARIS: dict[str, object] = {"city": "Paris", "country": "France", "population": 2_102_650}
FRANCE: dict[str, object] = {"country": "France", "capital": "Paris"}


def _wants_country(messages: list[ModelMessage]) -> bool:
    return "country" in last_prompt(messages).lower()


def _tool(info: AgentInfo, hint: str = "") -> str:
    """The output tool to call: the only one, or the one whose name mentions `hint` (unions)."""
    names = [tool.name for tool in info.output_tools]
    return next((name for name in names if hint and hint in name), names[0])


def _call_city(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    return Call(_tool(info), PARIS)


def _call_city_or_country(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    if _wants_country(messages):
        return Call(_tool(info, "Country"), FRANCE)
    return Call(_tool(info, "City"), PARIS)


def _call_list(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    # A non-object output travels as `{"response": ...}`: pydantic-ai's envelope for tool arguments.
    return Call(_tool(info), {"response": [PARIS, {**PARIS, "city": "Lyon", "population": 522_250}]})


def _text_city(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    return json.dumps(PARIS)


def _text_city_or_country(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    # Several native/prompted outputs travel as `{"result": {"kind": ..., "data": ...}}`.
    if _wants_country(messages):
        return json.dumps({"result": {"kind": "Country", "data": FRANCE}})
    return json.dumps({"result": {"kind": "City", "data": PARIS}})


def _plain_text(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    return "Paris, France, 2102650"


def _maybe(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    # `str | None`: an empty text is the `None`.
    return "" if "nothing" in last_prompt(messages) else "Paris"


def _defer(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    if tool_returns(messages):
        return Call(_tool(info), PARIS)
    return Call("book_table", {"city": "Paris"})


def parse_city(text: str) -> City:
    """`TextOutput`: the model answers in plain text, this function turns it into the output."""
    city, country, population = (part.strip() for part in text.split(","))
    return City(city=city, country=country, population=int(population))


def city_facts(city: str, country: str) -> City:
    """An output function: the model calls it with its arguments; its result is the output."""
    return City(city=city, country=country, population=2_102_650 if city == "Paris" else 0)


def _call_function(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    return Call(_tool(info), {"city": "Paris", "country": "France"})


plain = Agent(scripted_model(_call_city, name="plain"), output_type=City)
union = Agent(scripted_model(_call_city_or_country, name="union"), output_type=City | Country)
listed = Agent(scripted_model(_call_list, name="listed"), output_type=list[City])
tool_output = Agent(scripted_model(_call_city, name="tool_output"), output_type=ToolOutput(City, name="city"))
native = Agent(scripted_model(_text_city, name="native"), output_type=NativeOutput(City))
native_union = Agent(
    scripted_model(_text_city_or_country, name="native_union"), output_type=NativeOutput([City, Country])
)
prompted = Agent(scripted_model(_text_city, name="prompted"), output_type=PromptedOutput(City))
text_output = Agent(scripted_model(_plain_text, name="text_output"), output_type=TextOutput(parse_city))
function = Agent(scripted_model(_call_function, name="function"), output_type=city_facts)
optional = Agent(scripted_model(_maybe, name="optional"), output_type=str | None)
deferred = Agent(scripted_model(_defer, name="deferred"), output_type=[City, DeferredToolRequests])


@deferred.tool_plain(requires_approval=True)
def book_table(city: str) -> str:
    """Book a table for dinner (needs the caller's approval)."""
    return f"booked in {city}"


instructions_only = Agent(
    scripted_model(_plain_text, name="instructions_only"),
    instructions="Answers questions about cities.\nAlways name the country too.",
)
