"""Schemathesis against the app's own /openapi.json: no 5xx, every response as documented.

Runs every operation with a bounded number of generated requests (valid and invalid) as an
admin, on a small seeded ledger (SQLite), checking: no server error, the status code is one
the operation documents, the content type and the body conform to the documented schema.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env, make_env
from tests.conftest import FakeClock

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _seeded() -> Env:
    """A small county with a few cases and violations (built at collection: the schema needs the app)."""
    env = make_env(f"sqlite:///{Path(tempfile.mkdtemp(prefix='ledger-schema-')) / 'api.db'}", FakeClock())
    assert env.post("/acts", json={"acts": [*INCIDENT, *LEAVE_FGJ, *LEAVE_SFJ]}).status_code == 201
    return env


ENV = _seeded()
schema = schemathesis.openapi.from_asgi("/openapi.json", ENV.app)


@pytest.fixture(scope="module", autouse=True)
def _close() -> Iterator[None]:
    yield
    ENV.services.close()
    shutil.rmtree(Path(ENV.url.removeprefix("sqlite:///")).parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case: Any) -> None:
    case.call_and_validate(headers=ENV.h("admin"), checks=CHECKS)
