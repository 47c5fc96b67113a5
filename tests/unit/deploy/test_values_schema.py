"""values.schema.json describes values.yaml and the CI values, and rejects mistakes."""

from __future__ import annotations

import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # ships no type information
import pytest
import yaml

from .repo import CHART, VALUES_FILES


def _schema() -> dict[str, Any]:
    data = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _defaults() -> dict[str, Any]:
    data = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())


@pytest.mark.parametrize("scenario", sorted(VALUES_FILES))
def test_values_validate(scenario: str) -> None:
    path = VALUES_FILES[scenario]
    override = yaml.safe_load(path.read_text(encoding="utf-8")) if path else {}
    jsonschema.Draft202012Validator(_schema()).validate(_merge(_defaults(), override))


@pytest.mark.parametrize(
    "override",
    [
        {"services": {"discovery": {"replicas": "three"}}},
        {"mongodb": {"discoveryReadPreference": "sometimes"}},
        {"externalNats": {"url": "http://nats:4222"}},
        {"router": {"service": {"type": "ExternalName"}}},
        {"unknownKey": True},
        {"config": {"extraEnv": {"lower_case": "x"}}},
        {"mongodb": {"auth": {"appUser": "has space"}}},
        {"nats": {"tls": {"enabled": "yes"}}},
        {"networkPolicy": {"externalEgress": [{"except": ["10.0.0.0/8"]}]}},
        {"backup": {"retentionDays": 0}},
        {"metrics": {"serviceMonitor": {"interval": "often"}}},
        {"gateway": {"create": {"tls": True}}},
        {"initJob": {"activeDeadlineSeconds": 5}},
    ],
)
def test_mistakes_are_rejected(override: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(_merge(_defaults(), override))
