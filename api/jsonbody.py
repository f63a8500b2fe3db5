"""A read route's body sent as JSON as built, in the shape its ``response_model`` documents
(已按文档形状构造的响应体).

FastAPI validates what a route returns against its response model, item by item, and then
serializes it: on a page of fifty violations that is a sixth of a request's CPU, spent checking
dicts the route built from typed view rows itself. The hot read routes (the lists and a case's
view and timeline) build exactly the model's fields and send them with :func:`json_body`; the
model still documents the route in OpenAPI, and the tests check every such body against its
model (``tests/api/test_json_bodies.py``: validated and dumped, it is the same JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Response


def json_body(content: Any, headers: Mapping[str, str] | None = None) -> Response:
    """``content`` as a JSON response (status 200), with ``headers``."""
    return Response(orjson.dumps(content), media_type="application/json", headers=headers)
