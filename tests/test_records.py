import pytest

from grader.records import Record, asdict, factory, replace


class Point(Record, frozen=True, eq=True):
    x: float
    y: float = 0.0
    tags: list = factory(list)


class Box(Record):
    items: list = factory(list)
    label: str = ""


def test_fields_defaults_and_factories():
    p = Point(1.0)
    assert (p.x, p.y, p.tags) == (1.0, 0.0, [])
    assert Point(1.0).tags is not Point(1.0).tags          # a fresh default each time
    assert Point(x=2, y=3).y == 3 and Point(2, 3) == Point(x=2, y=3)
    assert repr(Point(1.0, 2.0)) == "Point(x=1.0, y=2.0, tags=[])"


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, 2, [], 4), {}), ((1,), {"x": 2}),
                                          ((), {"x": 1, "z": 2})])
def test_wrong_arguments_are_type_errors(args, kwargs):
    with pytest.raises(TypeError):
        Point(*args, **kwargs)


def test_frozen_records_refuse_assignment_and_hash_by_value():
    p = Point(1.0)
    with pytest.raises(AttributeError):
        p.x = 2.0
    with pytest.raises(AttributeError):
        del p.x
    assert hash(Point(1.0, 2.0, ())) == hash(Point(1.0, 2.0, ()))


def test_mutable_records_and_identity_equality():
    box = Box()
    box.label = "a"
    assert box.label == "a"
    assert Box() != Box()                                  # no eq=True: identity


def test_asdict_and_replace():
    box = Box([Point(1.0), {"k": Point(2.0, tags=["t"])}], "b")
    assert asdict(box) == {"items": [{"x": 1.0, "y": 0.0, "tags": []},
                                     {"k": {"x": 2.0, "y": 0.0, "tags": ["t"]}}], "label": "b"}
    moved = replace(Point(1.0, 2.0), y=5.0)
    assert moved == Point(1.0, 5.0)
