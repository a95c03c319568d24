import os

import pytest

from grader.atomic_write import write_all_atomically, write_atomically


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


def test_several_files_land_together(tmp_path):
    (tmp_path / "old.md").write_text("before", encoding="utf-8")
    write_all_atomically({tmp_path / "old.md": "after", tmp_path / "new.svg": b"<svg/>"})
    assert (tmp_path / "old.md").read_text(encoding="utf-8") == "after"
    assert (tmp_path / "new.svg").read_bytes() == b"<svg/>"
    assert sorted(os.listdir(tmp_path)) == ["new.svg", "old.md"]


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_a_failed_rename_puts_every_file_back(tmp_path, monkeypatch, failing):
    """The n-th rename fails: the files renamed before it are restored (or removed, if new)."""
    for name in ("a.md", "c.md"):
        (tmp_path / name).write_text(f"old {name}", encoding="utf-8")
    files = {tmp_path / "a.md": "new a", tmp_path / "b.svg": "new b", tmp_path / "c.md": "new c"}
    real_replace, calls = os.replace, []

    def replace(source, target):
        if not str(source).endswith(".old"):         # not a file being put back
            calls.append(target)
            if len(calls) == failing:
                raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        write_all_atomically(files)
    assert sorted(os.listdir(tmp_path)) == ["a.md", "c.md"]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "old a.md"
    assert (tmp_path / "c.md").read_text(encoding="utf-8") == "old c.md"


def test_a_failed_temporary_writes_nothing(tmp_path, monkeypatch):
    import tempfile

    real_mkstemp, made = tempfile.mkstemp, []

    def mkstemp(*args, **kwargs):
        made.append(1)
        if len(made) == 2:
            raise OSError(28, "No space left on device")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    with pytest.raises(OSError, match="b.md"):
        write_all_atomically({tmp_path / "a.md": "a", tmp_path / "b.md": "b"})
    assert os.listdir(tmp_path) == []
