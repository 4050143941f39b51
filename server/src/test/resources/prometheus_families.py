"""Parses Prometheus text on stdin with the Prometheus project's Python parser (prometheus_client) and prints the
families as JSON: [{"name", "type", "samples": [{"name", "labels", "value"}]}]. A line the parser rejects ends the
script with an error, so the Java test fails on text Prometheus would not read."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    return value if math.isfinite(value) else str(value)


families = [
    {
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": number(s.value)} for s in family.samples],
    }
    for family in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
