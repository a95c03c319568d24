"""grader.sandbox.answers: is the answer a finite real number (or the dict a step asks for)?"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from grader.sandbox.answers import SINGLE, decode, encode

CJK = re.compile(r"[\u4e00-\u9fff]")


class Posing:
    """Claims to equal everything and converts to a float: not a number all the same."""

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.25

    __hash__ = object.__hash__


class Booby:
    """Fails loudly if the grader calls any of its own methods."""

    def _trap(self, *args):
        raise AssertionError("the grader called a method of the answer")

    __float__ = __int__ = __index__ = __eq__ = __bool__ = __str__ = __repr__ = _trap
    __format__ = __abs__ = __lt__ = __complex__ = _trap
    __hash__ = object.__hash__


class LyingFloat(float):
    """A real float whose own methods lie about its value."""

    def __float__(self):
        return 99.0

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class LyingInt(int):
    def __index__(self):
        return 99

    def __float__(self):
        return 99.0


@pytest.mark.parametrize("value,number", [
    (3, 3.0), (-0.125, -0.125), (np.float64(0.5), 0.5), (np.float32(0.25), 0.25),
    (np.float16(0.5), 0.5), (np.int64(-2), -2.0), (np.uint8(7), 7.0),
    (np.array(0.75), 0.75), (np.array(4, dtype=np.int32), 4.0), (0.0, 0.0),
    (LyingFloat(0.5), 0.5), (LyingInt(6), 6.0),
], ids=lambda v: type(v).__name__)
def test_valid_numbers(value, number):
    data = encode(value, None)
    assert data == {"values": {SINGLE: number}}
    assert type(data["values"][SINGLE]) is float
    assert decode(json.loads(json.dumps(data)), None) == data


@pytest.mark.parametrize("value,category", [
    (None, "none"), ("0.25", "str"), (float("nan"), "not_finite"), (math.inf, "not_finite"),
    (-math.inf, "not_finite"), (np.float64("nan"), "not_finite"), (np.array(np.inf), "not_finite"),
    (10 ** 400, "not_finite"), (LyingFloat("nan"), "not_finite"),
    (complex(0.25, 0), "complex"), (np.complex128(0.25), "complex"), (1j, "complex"),
    (True, "bool"), (np.bool_(False), "bool"),
    ([0.25], "shape"), ((0.25,), "shape"), (np.array([0.25]), "shape"),
    (np.zeros((2, 2)), "shape"), (np.array("0.25"), "dtype"), (np.array(True), "dtype"),
    (Posing(), "type"), (Booby(), "type"), (Fraction(1, 4), "type"), (Decimal("0.25"), "type"),
    ({"value": 0.25}, "type"), (np.ma.masked_array(0.25), "type"), (object(), "type"),
], ids=lambda v: type(v).__name__ if not isinstance(v, str) or v.startswith("0") else v)
def test_invalid_answers(value, category):
    data = encode(value, None)
    assert set(data) == {"invalid", "detail"}
    assert data["invalid"] == category
    assert data["detail"].startswith("returned")
    zh = encode(value, None, lang="zh")
    assert zh["invalid"] == category and CJK.search(zh["detail"])
    assert decode(json.loads(json.dumps(data)), None) == data


def test_invalid_never_gives_the_answer_away():
    data = encode(np.array([0.123456789]), None)
    assert "0.123456789" not in data["detail"]


KEYS = ["dL_db2_1", "dL_db2_2"]


def test_dict_with_exactly_the_keys():
    data = encode({"dL_db2_2": np.float32(0.5), "dL_db2_1": 1}, KEYS)
    assert data == {"values": {"dL_db2_2": 0.5, "dL_db2_1": 1.0}}
    assert decode(json.loads(json.dumps(data)), KEYS) == {"values": {"dL_db2_1": 1.0,
                                                                     "dL_db2_2": 0.5}}


@pytest.mark.parametrize("value,category,words", [
    ({"dL_db2_1": 1.0}, "keys", ["missing", "dL_db2_2"]),
    ({"dL_db2_1": 1.0, "dL_db2_2": 2.0, "dL_db2_3": 3.0}, "keys", ["unexpected", "dL_db2_3"]),
    ({"dL_db2_1": 1.0, "dL_db2_2": 2.0, 7: 3.0}, "keys", ["unexpected", "int"]),
    ({"dL_db2_1": 1.0, "dL_db2_2": None}, "none", ["dL_db2_2"]),
    ({"dL_db2_1": 1.0, "dL_db2_2": [2.0]}, "shape", ["dL_db2_2"]),
    ({"dL_db2_1": math.nan, "dL_db2_2": 2.0}, "not_finite", ["dL_db2_1"]),
    (0.5, "shape", ["dL_db2_1", "dL_db2_2"]),
    ([1.0, 2.0], "shape", ["dL_db2_1"]),
    (None, "shape", ["NoneType"]),
])
def test_dict_steps(value, category, words):
    data = encode(value, KEYS)
    assert data["invalid"] == category
    assert all(word in data["detail"] for word in words), data["detail"]


def test_a_dict_subclass_is_read_as_a_plain_dict():
    class Sneaky(dict):
        def items(self):
            return [("dL_db2_1", 1.0), ("dL_db2_2", 2.0)]

    assert encode(Sneaky(), KEYS)["invalid"] == "keys"
    assert encode(Sneaky(dL_db2_1=3.0, dL_db2_2=4.0), KEYS) == {
        "values": {"dL_db2_1": 3.0, "dL_db2_2": 4.0}}


@pytest.mark.parametrize("data", [
    None, [], "values", {"values": {"other": 1.0}}, {"values": {SINGLE: "1.0"}},
    {"values": {SINGLE: True}}, {"values": {SINGLE: None}}, {"values": {SINGLE: float("nan")}},
    {"values": {SINGLE: float("inf")}}, {"values": {SINGLE: [1.0]}}, {"values": [1.0]},
    {"values": {SINGLE: 1.0}, "extra": 1}, {"values": {SINGLE: 1.0, "more": 2.0}},
    {"invalid": "none"}, {"invalid": 3, "detail": "x"}, {"invalid": "x", "detail": "y", "z": 1},
    {},
])
def test_decode_rejects_malformed_child_output(data):
    with pytest.raises(ValueError):
        decode(data, None)


def test_decode_wants_the_steps_keys():
    with pytest.raises(ValueError):
        decode({"values": {"dL_db2_1": 1.0}}, KEYS)
    assert decode({"values": {SINGLE: 2}}, None) == {"values": {SINGLE: 2.0}}


def test_decode_bounds_the_text():
    data = decode({"invalid": "type", "detail": "y" * 1000}, None)
    assert data["invalid"] == "type" and len(data["detail"]) <= 300


@pytest.mark.parametrize("data", [
    {"invalid": "x" * 100, "detail": "made up"},
    {"invalid": "type", "detail": 7},
    {"values": {"value": 10 ** 400}},
    {"values": {"value": -(10 ** 400)}},
    {"values": {"value": [1.0]}},
    {"values": {"value": 1.0}, "kind": "passed"},
])
def test_decode_refuses_forged_replies(data):
    with pytest.raises(ValueError):
        decode(data, None)
