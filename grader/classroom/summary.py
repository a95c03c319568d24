"""The class summary printed after grading: pass rates, commonest problem and diagnosis."""

from __future__ import annotations

import collections

from ..i18n import text
from ..records import Record, factory
from ..render.terminal import STATUS, pad

MESSAGES = {
    "summary_title": {"en": "{students} students graded · mean {mean:.2f} / {max}",
                      "zh": "共评 {students} 名学生 · 平均 {mean:.2f} / {max}"},
    "col_step": {"en": "step", "zh": "步骤"},
    "col_passed": {"en": "passed", "zh": "通过率"},
    "col_problem": {"en": "most common problem", "zh": "最常见问题"},
    "col_diagnosis": {"en": "most common diagnosis", "zh": "最常见诊断"},
    "progress_label": {"en": "grading", "zh": "评分中"},
    # A diagnosis code (grader.checking.diagnosis) in a few words, for the summary's column.
    "diagnosis_sign_flipped": {"en": "sign flipped", "zh": "符号反了"},
    "diagnosis_factor_of_two": {"en": "off by a factor of two", "zh": "差了 2 倍"},
    "diagnosis_missing_activation_derivative": {"en": "σ′ factor missing", "zh": "漏掉 σ′ 因子"},
    "diagnosis_derivative_at_preactivation": {"en": "σ′ of the pre-activation",
                                              "zh": "σ′ 用了激活前的值"},
    "diagnosis_wrong_activation_derivative": {"en": "σ′ written wrongly", "zh": "σ′ 写错了"},
    "diagnosis_wrong_index": {"en": "wrong subscript", "zh": "下标用错"},
    "diagnosis_transposed_weight": {"en": "weight indices swapped", "zh": "权重下标颠倒"},
    "diagnosis_missing_path_term": {"en": "a path missing from the sum", "zh": "求和少了一条路径"},
    "diagnosis_product_not_sum": {"en": "product instead of sum", "zh": "把和写成了积"},
    "diagnosis_wrong_quantity": {"en": "wrong quantity used", "zh": "用错了量"},
    "diagnosis_wrong_upstream": {"en": "wrong upstream gradient", "zh": "上游梯度用错"},
    "diagnosis_extra_factor": {"en": "an extra factor", "zh": "多乘了一个因子"},
    "diagnosis_learning_rate_in_gradient": {"en": "learning rate in the gradient",
                                            "zh": "梯度里乘了学习率"},
    "diagnosis_missing_learning_rate": {"en": "learning rate missing", "zh": "漏掉学习率"},
    "diagnosis_missing_bias": {"en": "bias missing", "zh": "漏掉偏置"},
    "diagnosis_other_step": {"en": "another step's quantity", "zh": "算成了别的步骤的量"},
    "diagnosis_hard_coded": {"en": "number written in", "zh": "把数写死"},
    "diagnosis_rounded": {"en": "rounded too early", "zh": "只精确到几位"},
    "diagnosis_one_sided_difference": {"en": "one-sided difference", "zh": "用了单侧差分"},
}

COLUMNS = (10, 9, 27)         # display widths of the step, passed and problem columns


def diagnosis_name(code: str, lang: str) -> str:
    """A diagnosis code in words; a code this version has no words for stays as it is."""
    key = "diagnosis_" + code
    return text(MESSAGES, key, lang) if key in MESSAGES else code


class Summary(Record):
    steps: list
    students: int = 0
    total: float = 0.0
    passed: collections.Counter = factory(collections.Counter)
    problems: dict = factory(lambda: collections.defaultdict(collections.Counter))
    diagnoses: dict = factory(lambda: collections.defaultdict(collections.Counter))
    isolation: object = None          # the sandbox.Isolation the students ran under
    not_on_roster: list = factory(list)   # graded students the Canvas roster does not list

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
        step_w, passed_w, problem_w = COLUMNS
        head = (pad(text(MESSAGES, "col_step", lang), step_w)
                + pad(text(MESSAGES, "col_passed", lang), passed_w)
                + pad(text(MESSAGES, "col_problem", lang), problem_w)
                + text(MESSAGES, "col_diagnosis", lang))
        lines = [text(MESSAGES, "summary_title", lang, students=self.students, mean=mean,
                      max=self.max_score), head]
        for step in self.steps:
            problem = self.problems[step.id].most_common(1)
            diagnosis = self.diagnoses[step.id].most_common(1)
            problem_text = (f"{text(STATUS, problem[0][0], lang)} "
                            f"({problem[0][1]})" if problem else "—")
            diagnosis_text = (f"{diagnosis_name(diagnosis[0][0], lang)} ({diagnosis[0][1]})"
                              if diagnosis else "—")
            lines.append(pad(step.id, step_w) + pad(f"{self.pass_rate(step.id):>6.0%}", passed_w)
                         + pad(problem_text, problem_w) + diagnosis_text)
        return "\n".join(lines)
