"""Rosters from any course tool: the id column found or named, Canvas's extra rows, a BOM."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from grader import roster
from grader.cli import main
from grader.engine.seeds import student_seed
from grader.errors import UsageError
from grader.render.sheets import class_set


def write(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding)
    return path


# every header the brief names, as the tool writes it, with a names column beside it
@pytest.mark.parametrize("header", [
    "student", "id", "student_id", "Student ID", "sid", "SID", "SIS User ID", "sis_user_id",
    "login", "SIS Login ID", "email", "Email", "E-mail", "identifier", "github_username",
    "学号", "ＳＩＤ",
])
def test_each_common_header_is_an_id_column(tmp_path, header):
    path = write(tmp_path / "r.csv", f'name,"{header}",section\nAnn,s1,A\nBob,s2,B\n')
    assert roster.read_roster(path) == ["s1", "s2"]


@pytest.mark.parametrize("header, chosen", [
    # a platform's id wins over the columns that hold something else there
    ("Student,ID,SIS User ID,SIS Login ID,Section", "SIS User ID"),       # Canvas
    ("identifier,github_username,github_id,name", "github_username"),     # GitHub Classroom
    ("First Name,Last Name,SID,Email,Role", "SID"),                        # Gradescope
    ("student,student_id", "student_id"),
    ("student,id", "student"),
    ("id,email", "id"),
    ("姓名,学号,班级", "学号"),
])
def test_the_priority_order_picks_the_platforms_id(header, chosen):
    assert roster.id_column(header.split(",")) == chosen


def test_headers_compare_without_case_spaces_or_separators():
    for spelling in ("sis_user_id", "SIS-User-Id", " sis user id ", "Sis.User.ID"):
        assert roster.header_key(spelling) == roster.header_key("SIS User ID")
    assert roster.id_column(["Name", "Student-Id"]) == "Student-Id"


def test_id_column_names_the_column(tmp_path):
    path = write(tmp_path / "r.csv", "student_id,email\ns1,ann@x.org\ns2,bob@x.org\n")
    assert roster.read_roster(path) == ["s1", "s2"]
    assert roster.read_roster(path, column="Email") == ["ann@x.org", "bob@x.org"]
    with pytest.raises(UsageError, match=r"no column 'netid'.*student_id, email"):
        roster.read_roster(path, column="netid")


@pytest.mark.parametrize("lang, words", [("en", "its columns: name, section"),
                                         ("zh", "现有的列：name、section")])
def test_no_id_column_lists_the_columns_found(tmp_path, lang, words):
    path = write(tmp_path / "r.csv", "name,section\nAnn,A\n")
    with pytest.raises(UsageError) as caught:
        roster.read_roster(path, lang)
    assert words in str(caught.value) and "--id-column" in str(caught.value)


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = write(tmp_path / "r.csv", "student_id,name\r\n1001,Ann\r\n1002,Bob\r\n", "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert roster.read_roster(path) == ["1001", "1002"]


@pytest.mark.parametrize("text", [
    "学号;姓名\n2024001;张伟\n2024002;李娜\n",
    "学号\t姓名\n2024001\t张伟\n2024002\t李娜\n",
    '学号,姓名\n2024001,"张伟; 班长"\n2024002,李娜\n',
])
def test_semicolons_and_tabs_separate_as_commas_do(tmp_path, text):
    assert roster.read_roster(write(tmp_path / "r.csv", text)) == ["2024001", "2024002"]


@pytest.mark.parametrize("lang, words", [("en", "save it as CSV UTF-8"),
                                         ("zh", "请另存为 CSV UTF-8")])
def test_a_roster_in_another_encoding_says_how_to_save_it(tmp_path, lang, words):
    path = write(tmp_path / "r.csv", "学号,姓名\n2024001,张伟\n", "gbk")
    with pytest.raises(UsageError, match=words):
        roster.read_roster(path, lang)


CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (1234),Current Score\n"
    ",,,,,Manual Posting,\n"
    "    Points Possible,,,,,10,(read only)\n"
    '"Doe, Jane",311,u100,jdoe,Sec 1,9,90\n'
    '"Roe, Rick",312,u101,rroe,Sec 1,7,70\n'
    '"Student, Test",399,,abc123,Sec 1,,\n')


def test_a_canvas_export_is_a_roster(tmp_path):
    path = write(tmp_path / "grades.csv", CANVAS_EXPORT, "utf-8-sig")
    assert roster.read_roster(path) == ["u100", "u101"]
    assert roster.read_roster(path, column="sis login id") == ["jdoe", "rroe", "abc123"]


def test_an_empty_id_is_still_an_error_outside_canvas_rows(tmp_path):
    path = write(tmp_path / "r.csv", "student_id,name\ns1,Ann\n,Bob\n")
    with pytest.raises(UsageError, match=r"line 3: the student id \(student_id\) is empty"):
        roster.read_roster(path)


@pytest.mark.parametrize("text, students", [
    ("student\nann\nbob\n", ["ann", "bob"]),
    ("\ufeffID,name\n s1 ,Ann\n\ns2,Bob\n", ["s1", "s2"]),
    ("name,Student\nAnn,张伟\nBob,e\u0301\n", ["张伟", "\u00e9"]),
])
def test_read_roster(tmp_path, text, students):
    assert roster.read_roster(write(tmp_path / "r.csv", text)) == students


@pytest.mark.parametrize("text, message", [
    ("name\nann\n", "no column of student ids"),
    ("", "no column of student ids"),
    ("student\n", "no student"),
    ("student\nann\nann\n", "listed twice"),
    ("student\n\u00e9\ne\u0301\n", "listed twice"),
    ("student,name\n,Ann\n", "empty"),
])
def test_bad_rosters_say_what_is_wrong(tmp_path, text, message):
    with pytest.raises(UsageError, match=message):
        roster.read_roster(write(tmp_path / "r.csv", text))


def test_missing_roster_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot read roster"):
        roster.read_roster(tmp_path / "absent.csv")


def test_the_canvas_gradebook_writes_the_column_a_canvas_roster_is_read_by():
    from grader.classroom.gradebook import canvas_csv

    records = [{"student": "u100", "score": 12.5}]
    rows = list(csv.reader(canvas_csv(records, "bpgrade", 20).decode().splitlines()))
    assert roster.id_column(rows[0]) == roster.CANVAS_ID
    assert rows[2][rows[0].index(roster.CANVAS_ID)] == "u100"


# --- the Canvas CSV built from a course's roster (bpgrade grade --canvas --roster) -------------

RECORDS = [{"student": "s001", "score": 27.0}, {"student": "Zoe\u0308", "score": 12.5},
           {"student": "not-listed", "score": 3.0}]

ROSTERS = {
    # Canvas's own gradebook export, as Excel saves it where the decimal mark is a comma
    "canvas": ("\ufeffStudent;ID;SIS User ID;SIS Login ID;Section;Homework 1 (123)\n"
               "    Points Possible;;;;;10\n"
               '"Doe, Jane";101;s001;jdoe;Sec A;\n'
               '"Roe, Rick";102;s002;rroe;Sec B;8\n'
               '"Zoë, Ann";103;Zoë;zann;Sec A;\n'
               "Student, Test;999;;;;\n",
               [["Doe, Jane", "101", "s001", "jdoe", "Sec A", "27"],
                ["Roe, Rick", "102", "s002", "rroe", "Sec B", ""],
                ["Zoë, Ann", "103", "Zoë", "zann", "Sec A", "12.5"]]),
    # Gradescope's roster: names in two columns, the id in SID
    "gradescope": ("First Name,Last Name,SID,Email,Role,Sections\n"
                   "Jane,Doe,s001,jane@example.edu,Student,A\n"
                   "Rick,Roe,s002,rick@example.edu,Student,B\n",
                   [["Doe, Jane", "", "s001", "", "", "27"],
                    ["Roe, Rick", "", "s002", "", "", ""]]),
    # GitHub Classroom's roster: the folders bpgrade collect names by GitHub user
    "github": ("identifier,github_username,github_id,name\n"
               "jane@example.edu,s001,1,Jane Doe\n"
               "ann@example.edu,Zoë,2,Ann Zoë\n"
               "rick@example.edu,,,\n",
               None),
    # a Chinese class list: 学号 and 姓名, with a BOM and semicolons
    "chinese": ("\ufeff学号;姓名;班级\ns001;张三;一班\ns002;李四;二班\n",
                [["张三", "", "s001", "", "", "27"], ["李四", "", "s002", "", "", ""]]),
}


@pytest.mark.parametrize("kind", list(ROSTERS))
def test_the_canvas_csv_has_a_row_per_student_on_the_roster(tmp_path, kind):
    from grader.classroom.gradebook import CANVAS_COLUMNS, canvas_csv, not_on_roster

    text, expected = ROSTERS[kind]
    path = write(tmp_path / "roster.csv", text)
    if kind == "github":                    # a student who has not linked a GitHub account
        with pytest.raises(UsageError, match="line 4: the student id"):
            roster.read_table(path)
        path = write(tmp_path / "roster.csv", text.rpartition("rick")[0])
        expected = [["Jane Doe", "", "s001", "", "", "27"], ["Ann Zoë", "", "Zoë", "", "", "12.5"]]
    _, rows = roster.read_table(path)
    written = canvas_csv(RECORDS, "bpgrade", 27, rows).decode("utf-8")
    table = list(csv.reader(written.splitlines()))
    assert table[0] == [*CANVAS_COLUMNS, "bpgrade"]
    assert table[1] == ["    Points Possible", "", "", "", "", "27"]
    assert table[2:] == expected
    zoe_listed = kind in ("canvas", "github")            # as Zoë, matched in either form
    assert not_on_roster([r["student"] for r in RECORDS], rows) == \
        ([] if zoe_listed else ["Zoe\u0308"]) + ["not-listed"]


def test_the_roster_names_its_id_column_like_a_sheet_roster(tmp_path):
    path = write(tmp_path / "roster.csv", "name,email,section\nJane,s001,A\n")
    column, rows = roster.read_table(path)
    assert column == "email" and rows == [("s001", {"name": "Jane", "email": "s001",
                                                      "section": "A"})]
    assert roster.read_table(path, column="Name")[1][0][0] == "Jane"


# --- bpgrade sheet --roster ------------------------------------------------------------------

def run_sheet(tmp_path, text, *options):
    path = write(tmp_path / "class.csv", text, "utf-8-sig")
    out = tmp_path / "sheets"
    result = CliRunner().invoke(main, ["sheet", "--roster", str(path), "--out", str(out),
                                       "--format", "md", *options],
                                env={"BPGRADE_SECRET": "abc"})
    return result, out


def test_sheet_roster_with_student_id_and_name(tmp_path):
    result, out = run_sheet(tmp_path, "student_id,name\n1001,Ann\n1002,Bob\n")
    assert result.exit_code == 0, result.output
    with open(out / "index.csv", encoding="utf-8", newline="") as handle:
        index = list(csv.DictReader(handle))
    assert [row["student"] for row in index] == ["1001", "1002"]
    assert [int(row["seed"]) for row in index] == [student_seed("abc", s) for s in ("1001", "1002")]


def test_sheet_roster_id_column_option(tmp_path):
    result, out = run_sheet(tmp_path, "student_id,email\n1001,ann@x.org\n", "--id-column", "email")
    assert result.exit_code == 0, result.output
    assert (out / f"{class_set.file_stem('ann@x.org')}.md").exists()


@pytest.mark.parametrize("lang, words", [("en", "its columns: name, section"),
                                         ("zh", "现有的列：name、section")])
def test_sheet_roster_without_id_column_exits_2_and_writes_nothing(tmp_path, lang, words):
    result, out = run_sheet(tmp_path, "name,section\nAnn,A\n", "--lang", lang)
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_sheet_roster_with_an_unknown_id_column_exits_2(tmp_path):
    result, out = run_sheet(tmp_path, "student_id\n1001\n", "--id-column", "netid")
    assert result.exit_code == 2 and "student_id" in result.output and not out.exists()
