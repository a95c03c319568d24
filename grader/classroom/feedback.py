"""A student's feedback file: what failed and why, as Markdown no student text can forge."""

from __future__ import annotations

import re

from ..i18n import text

MESSAGES = {
    "feedback_title": {"en": "bpgrade feedback for {student}", "zh": "{student} 的 bpgrade 反馈"},
    "feedback_score": {"en": "Score: **{score:g} / {max}**", "zh": "得分：**{score:g} / {max}**"},
    "feedback_table": {"en": "| step | status | points | what happened |",
                       "zh": "| 步骤 | 状态 | 分数 | 情况 |"},
    "feedback_details": {"en": "Details", "zh": "详情"},
    "feedback_error": {"en": "Error", "zh": "错误"},
    "feedback_output": {"en": "Printed output", "zh": "打印输出"},
    "feedback_diagnosis": {"en": "Likely cause", "zh": "可能原因"},
    "feedback_all_passed": {"en": "Every step passed.", "zh": "全部步骤通过。"},
    "status_passed": {"en": "passed", "zh": "通过"},
    "status_failed": {"en": "wrong", "zh": "答错"},
    "status_invalid": {"en": "invalid", "zh": "无效"},
    "status_error": {"en": "error", "zh": "出错"},
    "status_timeout": {"en": "timeout", "zh": "超时"},
    "status_not_started": {"en": "not started", "zh": "未开始"},
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


def _cell(value) -> str:
    """Inline text on one line (a table cell, a heading): escaped, newlines collapsed."""
    return " ".join(markdown_text(value).split())


def feedback_markdown(record: dict, lang: str) -> str:
    """What failed and why, for one student, as Markdown (renders the record, computes nothing).
    Everything the student controls is escaped (:func:`markdown_text`) or fenced."""
    lines = [f"# {text(MESSAGES, 'feedback_title', lang, student=_cell(record['student']))}", "",
             text(MESSAGES, "feedback_score", lang, score=record["score"],
                  max=record["max_score"]), "",
             text(MESSAGES, "feedback_table", lang), "|---|---|---|---|"]
    for item in record["results"]:
        status = text(MESSAGES, "status_" + item["status"], lang)
        lines.append(f"| {item['step']} | {status} | {item['score']:g} / {item['max_score']} "
                     f"| {_cell(item['message'])} |")
    details = [item for item in record["results"] if item["status"] != "passed"]
    lines.append("")
    if not details:
        lines.append(text(MESSAGES, "feedback_all_passed", lang))
    for item in details:
        if item["status"] == "not_started" and not item["error"]:
            continue
        lines += ["", f"## {item['step']}", "", markdown_text(item["message"])]
        diagnosis = item.get("diagnosis") or {}
        if diagnosis.get("message"):
            lines += ["", f"**{text(MESSAGES, 'feedback_diagnosis', lang)}:** "
                          f"{markdown_text(diagnosis['message'])}"]
        if item["error"] and item["error"] not in item["message"]:
            lines += ["", f"**{text(MESSAGES, 'feedback_error', lang)}:**", "",
                      _fence(item["error"])]
        if item["output"]:
            lines += ["", f"**{text(MESSAGES, 'feedback_output', lang)}:**", "",
                      _fence(item["output"])]
    return "\n".join(lines) + "\n"
