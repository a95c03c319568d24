"""A student's feedback file: what failed and why, as Markdown no student text can forge.

It speaks as ``bpgrade check`` does (its status words, its "expected" and "received"), gives
the student's seed and, for their visible problem only, the values, what the step printed
and the command that shows them again; nothing of the further problems drawn from the course
secret, which every student of the run shares (what the step printed on them stays in the
teacher's gradebook)."""

from __future__ import annotations

import re

from ..i18n import text
from ..checking.check import FURTHER_PROBLEMS
from ..sandbox.answers import SINGLE
from ..steps import registry
from ..render.terminal import MESSAGES as CHECK_WORDS, STATUS, _number, output_label, points

MESSAGES = {
    "feedback_title": {"en": "bpgrade feedback for {student}", "zh": "{student} 的 bpgrade 反馈"},
    "feedback_score": {"en": "Score: **{score} / {max}**", "zh": "得分：**{score} / {max}**"},
    "feedback_table": {"en": "| step | status | points | what happened |",
                       "zh": "| 步骤 | 状态 | 分数 | 情况 |"},
    "feedback_details": {"en": "Details", "zh": "详情"},
    "feedback_error": {"en": "Error:", "zh": "错误："},
    "feedback_output": {"en": "Printed output:", "zh": "打印输出："},
    "feedback_diagnosis": {"en": "Likely cause:", "zh": "可能原因："},
    "feedback_all_passed": {"en": "Every step passed.", "zh": "全部步骤通过。"},
    "feedback_seed": {"en": "Your problem's seed: **{seed}** (the numbers on your sheet; "
                            "`bpgrade problem --seed {seed}` prints them).",
                      "zh": "你的题目种子：**{seed}**（即你练习单上的数值；"
                            "`bpgrade problem --seed {seed}` 可打印出来）。"},
    "feedback_key": {"en": "quantity", "zh": "量"},
    "feedback_reproduce": {"en": "Check it yourself:", "zh": "自己检查："},
    "feedback_further_output": {"en": "What it printed on the further problems is not shown.",
                                "zh": "它在另外几个问题上打印的内容不显示。"},
}


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>&|~$])")
MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+\.)", re.MULTILINE)


def markdown_text(value) -> str:
    """Text a student controls (a message, an id) as inert Markdown: it renders as written,
    never as a link, emphasis, heading, table column or HTML."""
    value = ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")
    value = MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return MARKDOWN_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), value)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\." if marker.endswith(".") else "\\" + marker


def _fence(body: str) -> str:
    """Printed output or an error, verbatim: a code fence longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{body.rstrip()}\n{ticks}"


def _printed(item: dict, lang: str) -> str:
    """What a step printed while its file loaded and on the visible problem, under a label
    each, each part in a fence of its own (no printed text can reach outside its fence to
    pass for a label); not what it printed on the further problems. Output not cut by
    problem (an older record's) is shown whole."""
    parts = [part for part in item.get("output_parts") or [] if part["text"].strip()]
    if not parts:
        return _fence(item["output"]) if item["output"].strip() else ""
    shown = [part for part in parts if part["problem"] in (None, 0)]
    blocks = [f"*{output_label(part['problem'], FURTHER_PROBLEMS + 1, lang)}*\n\n"
              f"{_fence(part['text'])}" for part in shown]
    if len(shown) < len(parts):
        blocks.append(text(MESSAGES, "feedback_further_output", lang))
    return "\n\n".join(blocks)


def _cell(value) -> str:
    """Inline text on one line (a table cell, a heading): escaped, newlines collapsed."""
    return " ".join(markdown_text(value).split())


def feedback_view(record: dict, lang: str) -> dict:
    """What ``feedback.md.j2`` places, as Markdown (renders the record, computes nothing).
    Everything the student controls is escaped (:func:`markdown_text`) or fenced."""
    rows, details = [], []
    for item in record["results"]:
        rows.append({"step": item["step"],
                     "status": text(STATUS, item["status"], lang),
                     "points": f"{points(item['score'], item['max_score'])} / "
                               f"{item['max_score']}",
                     "message": _cell(item["message"])})
    failed = [item for item in record["results"] if item["status"] != "passed"]
    for item in failed:
        if item["status"] == "not_started" and not item["error"]:
            continue
        diagnosis = (item.get("diagnosis") or {}).get("message")
        shown_error = item["error"] and item["error"] not in item["message"]
        details.append({"step": item["step"], "message": markdown_text(item["message"]),
                        "visible": _visible_rows(item["step"], item.get("visible") or []),
                        "reproduce": f"`bpgrade check {item['step']} --seed {int(record['seed'])}`"
                                     if item["status"] != "not_started" else "",
                        "diagnosis": markdown_text(diagnosis) if diagnosis else "",
                        "error": _fence(item["error"]) if shown_error else "",
                        "output": _printed(item, lang)})
    return {
        "title": text(MESSAGES, "feedback_title", lang, student=_cell(record["student"])),
        "seed": text(MESSAGES, "feedback_seed", lang, seed=int(record["seed"])),
        "visible_head": "| " + " | ".join(
            [text(MESSAGES, "feedback_key", lang), text(CHECK_WORDS, "expected", lang),
             text(CHECK_WORDS, "received", lang)]) + " |",
        "score": text(MESSAGES, "feedback_score", lang,
                      score=points(record["score"], record["max_score"]), max=record["max_score"]),
        "table_head": text(MESSAGES, "feedback_table", lang), "rows": rows, "details": details,
        "all_passed": "" if failed else text(MESSAGES, "feedback_all_passed", lang),
        "label": {**{key: text(MESSAGES, "feedback_" + key, lang)
                     for key in ("diagnosis", "error", "output", "reproduce")},
                  "visible": _cell(text(CHECK_WORDS, "your_problem", lang,
                                        seed=int(record["seed"])))},
    }


def _visible_rows(step_id: str, rows: list) -> list:
    """The wrong values on the student's own problem (the record keeps no others), as table
    cells: numbers the grader read strictly, each named as ``net`` names it (a dict step's
    key, else the step's quantity)."""
    names = dict(registry.BY_ID[step_id].answer_items) if step_id in registry.BY_ID else {}
    return [{"key": _cell(names.get(None, row["key"]) if row["key"] == SINGLE else row["key"]),
             "expected": _number(float(row["expected"])),
             "received": _number(float(row["received"]))} for row in rows]


def feedback_markdown(record: dict, lang: str) -> str:
    """What failed and why, for one student, as Markdown no student text can forge."""
    from ..render import templates

    return templates.render("feedback.md.j2", f=feedback_view(record, lang))
