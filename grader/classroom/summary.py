"""The class summary printed after grading: pass rates, commonest problem and diagnosis."""

from __future__ import annotations

import collections

from ..i18n import text
from ..records import Record, factory
from .feedback import MESSAGES as STATUS_NAMES

MESSAGES = {
    "summary_title": {"en": "{students} students graded · mean {mean:.2f} / {max}",
                      "zh": "共评 {students} 名学生 · 平均 {mean:.2f} / {max}"},
    "summary_head": {"en": "step      passed   most common problem        most common diagnosis",
                     "zh": "步骤      通过率   最常见问题                 最常见诊断"},
    "progress_label": {"en": "grading", "zh": "评分中"},
}


class Summary(Record):
    steps: list
    students: int = 0
    total: float = 0.0
    passed: collections.Counter = factory(collections.Counter)
    problems: dict = factory(lambda: collections.defaultdict(collections.Counter))
    diagnoses: dict = factory(lambda: collections.defaultdict(collections.Counter))
    isolation: object = None          # the sandbox.Isolation the students ran under

    def add(self, record: dict) -> None:
        self.students += 1
        self.total += record["score"]
        for item in record["results"]:
            if item["status"] == "passed":
                self.passed[item["step"]] += 1
            else:
                self.problems[item["step"]][item["status"]] += 1
            code = (item.get("diagnosis") or {}).get("code")
            if code:
                self.diagnoses[item["step"]][code] += 1

    @property
    def max_score(self) -> int:
        return sum(step.points for step in self.steps)

    def pass_rate(self, step_id: str) -> float:
        return self.passed[step_id] / self.students if self.students else 0.0

    def render(self, lang: str) -> str:
        mean = self.total / self.students if self.students else 0.0
        lines = [text(MESSAGES, "summary_title", lang, students=self.students, mean=mean,
                      max=self.max_score), text(MESSAGES, "summary_head", lang)]
        for step in self.steps:
            problem = self.problems[step.id].most_common(1)
            diagnosis = self.diagnoses[step.id].most_common(1)
            problem_text = (f"{text(STATUS_NAMES, 'status_' + problem[0][0], lang)} ({problem[0][1]})"
                            if problem else "—")
            diagnosis_text = f"{diagnosis[0][0]} ({diagnosis[0][1]})" if diagnosis else "—"
            lines.append(f"{step.id:<9} {self.pass_rate(step.id):>6.0%}   "
                         f"{problem_text:<26} {diagnosis_text}")
        return "\n".join(lines)
