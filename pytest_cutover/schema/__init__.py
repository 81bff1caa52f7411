"""The JSON Schemas shipped with the package, and the one function that reads them.

``plan.schema.json`` describes ``cutover.yaml`` (editors use it for completion too),
``evidence.schema.json`` describes a bundle's ``evidence.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` (``plan`` or ``evidence``), read once from the package.

    >>> load_schema("evidence")["title"] != load_schema("plan")["title"]
    True
    """
    text = files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
