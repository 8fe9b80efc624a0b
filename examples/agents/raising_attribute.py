"""A fixture: reading its agents runs code that fails, as a lazy module or a broken property would.

- `agent`: a module-level `__getattr__` (PEP 562) raises RuntimeError when `agent` is read.
- `lazy.agent`: a property that raises RuntimeError.
- `vanishing`: `__getattr__` raises AttributeError of its own (not a plain missing name).
"""

from typing import NoReturn

__all__ = ["lazy"]


class _Lazy:
    @property
    def agent(self) -> NoReturn:
        raise RuntimeError("raising_attribute: the property fails on purpose")


lazy = _Lazy()


def __getattr__(name: str) -> NoReturn:
    if name == "vanishing":
        raise AttributeError(f"raising_attribute: {name} could not be made (its config is missing)")
    if name == "agent":
        raise RuntimeError("raising_attribute: building the agent fails on purpose")
    raise AttributeError(name)
