"""`structured`: a city's facts as a `CityInfo`; the output tool's arguments stream in chunks."""

from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, last_prompt, scripted_model

__all__ = ["CityInfo", "agent"]


class CityInfo(BaseModel):
    city: str
    country: str
    population: int


_CITIES = {
    "paris": ("Paris", "France", 2_102_650),
    "berlin": ("Berlin", "Germany", 3_878_100),
    "tokyo": ("Tokyo", "Japan", 14_187_176),
    "lima": ("Lima", "Peru", 10_151_200),
    "nairobi": ("Nairobi", "Kenya", 4_397_073),
}


def _lookup(messages: list[ModelMessage], info: AgentInfo) -> Call:
    asked = last_prompt(messages).strip()
    # An unknown city is still a valid CityInfo: the name as asked, nothing made up.
    city, country, population = _CITIES.get(asked.lower(), (asked, "unknown", 0))
    return Call(info.output_tools[0].name, {"city": city, "country": country, "population": population})


agent = Agent(
    scripted_model(_lookup, name="structured"),
    output_type=CityInfo,
    description="Facts about a city (Paris, Berlin, Tokyo, Lima, Nairobi).",
)
