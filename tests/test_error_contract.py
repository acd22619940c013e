"""Error bodies and statuses follow what the documents declare."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen.domain.errors import error_contract, error_template, slot, status_for
from backend_codegen.errors import Warnings
from backend_codegen.spec.model import Schema
from backend_codegen.spec.openapi import read_openapi

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _obj(required: list[str], **props: Schema) -> Schema:
    return Schema(type="object", properties=dict(props), required=required)


def test_code_and_message_error() -> None:
    schema = _obj(
        ["code", "message"],
        code=Schema(type="integer", format="int32"),
        message=Schema(type="string"),
    )
    assert error_template(schema) == {"code": slot("status"), "message": slot("message")}


def test_problem_details() -> None:
    schema = _obj(
        [],
        type=Schema(type="string", format="uri"),
        title=Schema(type="string"),
        status=Schema(type="integer"),
        detail=Schema(type="string"),
        instance=Schema(type="string"),
    )
    assert error_template(schema) == {
        "type": "about:blank",
        "title": slot("title"),
        "status": slot("status"),
        "detail": slot("message"),
        "instance": slot("path"),
    }


def test_realworld_errors_object() -> None:
    schema = _obj(
        ["errors"],
        errors=_obj(["body"], body=Schema(type="array", items=Schema(type="string"))),
    )
    assert error_template(schema) == {"errors": {"body": slot("messages")}}


def test_field_error_list_and_map() -> None:
    item = _obj(["field", "message"], field=Schema(type="string"), message=Schema(type="string"))
    listed = _obj(["errors"], errors=Schema(type="array", items=item))
    assert error_template(listed) == {
        "errors": {"$each": {"field": slot("field"), "message": slot("message")}}
    }
    mapped = _obj(
        [],
        errors=Schema(
            type="object",
            additional_properties=Schema(type="array", items=Schema(type="string")),
        ),
    )
    assert error_template(mapped) == {"errors": slot("errors")}


def test_required_unknown_members_get_fixed_values() -> None:
    schema = _obj(
        ["message", "retryable", "kind"],
        message=Schema(type="string"),
        retryable=Schema(type="boolean"),
        kind=Schema(type="string", enum=["client", "server"]),
    )
    assert error_template(schema) == {
        "message": slot("message"),
        "retryable": False,
        "kind": "client",
    }


def test_status_for_maps_invalid_input_only() -> None:
    assert status_for([], 404) == 404  # nothing declared: no mapping
    assert status_for(["200", "404"], 404) == 404
    assert status_for(["200", "default"], 409) == 409
    assert status_for(["200", "4XX"], 409) == 409
    assert status_for(["200", "400", "404"], 422) == 400  # validation answered as 400
    assert status_for(["200", "422"], 400) == 422  # a malformed body answered as 422
    assert status_for(["200", "400"], 415) == 400  # a media type it cannot read
    # a missing row or a conflict is never reported as something else (RealWorld)
    assert status_for(["200", "401", "422"], 404) == 404
    assert status_for(["200", "401", "422"], 409) == 409
    assert status_for(["200", "401", "422"], 403) == 403
    assert status_for(["200", "401", "422"], 405) == 405  # an undeclared method stays 405
    assert status_for(["200"], 422) == 422  # no client error declared at all: unchanged


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to this checkout")
def test_contract_from_corpus_spec_per_status() -> None:
    spec = read_openapi(CORPUS / "specs" / "redocly-museum.yaml", Warnings())
    contract = error_contract(spec)
    assert set(contract.shapes) >= {"400", "404"}
    assert contract.shapes["404"].media_type == "application/problem+json"
    assert any("404" in line for line in contract.describe())
