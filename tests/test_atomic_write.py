import os

import pytest

from grader.atomic_write import write_atomically


def test_text_and_bytes_land_whole(tmp_path):
    target = tmp_path / "out.csv"
    write_atomically(target, "student,total\nZoë,3\n")
    assert target.read_text(encoding="utf-8") == "student,total\nZoë,3\n"
    write_atomically(target, b"replaced")
    assert target.read_bytes() == b"replaced"
    assert os.listdir(tmp_path) == ["out.csv"]              # no temporary left beside it


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    target.write_text("old", encoding="utf-8")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["grades.csv"]
