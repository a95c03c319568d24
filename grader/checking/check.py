"""Grade a learner's steps: build each step's contexts, run the code, compare, report.

One seed gives one visible problem (the numbers ``bpgrade problem --seed N`` prints) and
further problems derived from it, so a hard-coded number fails. The learner's answers are
compared with the reference; the reference is shown beside a central finite difference.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..steps import registry
from .. import sandbox, tolerances
from ..sandbox.answers import PER_TRIAL, SINGLE
from ..errors import UsageError
from ..i18n import pick, text
from ..records import Record, asdict, factory
from .problems import FURTHER_PROBLEMS, ProblemSet  # noqa: F401  (checking's own names)

STATUSES = ("passed", "failed", "invalid", "error", "timeout", "not_started")

MESSAGES = {
    "passed": {"en": "right on all {n} problems", "zh": "{n} 个问题全部正确"},
    "failed": {"en": "not right on {bad} of {n} problems", "zh": "{n} 个问题中有 {bad} 个不对"},
    "failed_hidden": {
        "en": "right on your problem but not on {bad} of the {others} others — "
              "is a number written in instead of computed from net?",
        "zh": "你的问题算对了，但另外 {others} 个问题中有 {bad} 个不对——"
              "是不是把数直接写进了代码，而不是用 net 计算？"},
    "failed_other_network": {
        "en": "right on your problem but not on {bad} of the {others} others, each another "
              "network; the first: {layers} with {activation} and {loss}. Does your code "
              "follow net's depth, activation and loss?",
        "zh": "你的问题算对了，但另外 {others} 个问题（各是另一个网络）中有 {bad} 个不对；"
              "第一个是 {layers}，激活函数 {activation}，损失函数 {loss}。你的代码是否随 net "
              "的深度、激活函数和损失函数而变？"},
    "invalid": {"en": "the answer is not a valid number: {detail}",
                "zh": "答案不是有效的数：{detail}"},
    "invalid_array": {"en": "the answer is not a valid array: {detail}",
                      "zh": "答案不是有效的数组：{detail}"},
    "with_axes": {"en": "{detail}; {axes}", "zh": "{detail}；{axes}"},
    "error": {"en": "the code raised an error", "zh": "代码运行出错"},
    "timeout": {"en": "{detail}", "zh": "{detail}"},
    "not_started": {"en": "fill in {file}, then run bpgrade check {step}",
                    "zh": "完成 {file} 后运行 bpgrade check {step}"},
    "missing_file": {"en": "{file} is missing; bpgrade reset {step} makes a fresh one",
                     "zh": "找不到 {file}；运行 bpgrade reset {step} 可重新生成"},
    "no_folder": {"en": "no exercises folder at {path}; run bpgrade init, or pass --exercises DIR",
                  "zh": "找不到练习目录 {path}；请先运行 bpgrade init，或用 --exercises DIR 指定"},
    "with_cost": {"en": "{message}; {cost}", "zh": "{message}；{cost}"},
}


class Row(Record, eq=True):
    """One answer value on one problem."""

    key: str
    expected: float
    received: float | None
    relative_error: float | None
    finite_difference: float | None
    passed: bool


class Result(Record, eq=True):
    step: str
    status: str
    score: float
    max_score: int
    message: str
    title: str = ""
    diagnosis: dict | None = None
    problems: int = 0
    shown_seed: int | None = None         # the problem whose numbers are shown
    shown_visible: bool = True
    inputs: dict = factory(dict)   # the values the formula uses, on that problem
    rows: list = factory(list)     # Row per answer key, on that problem
    error: str = ""
    # the output below cut by problem: [{"problem": 0 yours, 1… the further ones, None
    # loading the file, "text": ...}], where the step's process said where each began
    output_parts: list = factory(list)
    output: str = ""
    chained_from: list = factory(list)   # --chain: steps whose answers fed this one
    chained_wrong: list = factory(list)  # the root causes: steps it depends on, wrong checked alone
    chain_consistent: bool = False    # --chain: the step's formula on those inputs gives its answer
    chain_right_alone: bool = False   # --chain: checked alone, on the reference inputs, it passes
    lang: str = "en"                                   # the language of message (not serialised)
    cost: dict | None = None          # step18: the learner's forward passes beside backprop's

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["lang"]
        return data

    def __repr__(self) -> str:
        from ..render.terminal import result_text

        return result_text(self, self.lang)

    def _repr_html_(self) -> str:
        from ..render.terminal import result_html

        return result_html(self)


class Report(Record, eq=True):
    results: list
    seed: int

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self) -> int:
        return sum(r.max_score for r in self.results)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def to_dict(self) -> dict:
        return {"seed": self.seed, "results": [r.to_dict() for r in self.results],
                "score": self.score, "max_score": self.max_score}


@lru_cache(maxsize=None)
def hidden_reasons(step, lang: str = "en") -> dict:
    """Why ``net`` lacks each name it lacks for ``step``, as a reason code that ``net`` puts
    in words (:data:`bpgrade_harness.net.MESSAGES`) if the learner asks for the name."""
    reasons = {}
    answered = {quantity for _, quantity in step.answer_items} | {k for k, _ in step.answer_items}
    for name in registry.FORWARD + registry.DELTA3 + registry.DL_DH2 + registry.DL_DH1 \
            + registry.PARAMETER_GRADIENTS:
        if name in step.context:
            continue
        if name in answered:
            reasons[name] = "answer"
        elif name in registry.PARAMETER_GRADIENTS:
            reasons[name] = "gradient"
        elif name in registry.FORWARD:
            reasons[name] = "forward"
        else:
            reasons[name] = "later"
    return reasons


def contexts_for(step, problem_set: ProblemSet, lang: str, upstream=None) -> list:
    """(values, step id, hidden) per problem; ``upstream`` overrides values (chain mode)."""
    hidden = hidden_reasons(step, lang)
    contexts = []
    for i, reference in enumerate(problem_set.references_for(step)[:step.trials]):
        values = step.held(reference)
        if upstream:
            values.update({k: v for k, v in upstream[i].items() if k in values})
        contexts.append((values, step.id, hidden))
    return contexts


def answer_keys(step, problem_set: ProblemSet | None = None):
    """What the answer is checked against where the code ran: None for a number, the dict's
    keys, or ``{key: shape}`` for arrays; a ``per_problem`` step's, each problem's own."""
    if step.per_problem:
        return {PER_TRIAL: [step.keys_for(reference)
                            for reference in problem_set.references_for(step)]}
    if step.arrays:
        return {key: list(shape) for key, shape in step.arrays.items()}
    return [key for key, _ in step.answer_items] if step.returns_dict else None


def array_key(step, key: str) -> str:
    """The answer key an entry belongs to (``dW[1,2]`` → ``dW``); a number's own key else."""
    return key.partition("[")[0] if step.arrays else key


def answer_items(step, reference: dict) -> tuple:
    """((key, quantity), ...) on one problem: the step's own, or a ``per_problem`` step's
    entries on that problem's network."""
    return step.items_for(reference) if step.per_problem else step.answer_items


def expected_values(step, reference: dict) -> dict:
    return {key or SINGLE: reference[quantity] for key, quantity in answer_items(step, reference)}


def _rows(step, reference: dict, received: dict | None, finite: dict | None) -> list:
    expected = expected_values(step, reference)
    rows = []
    for key, quantity in answer_items(step, reference):
        key = key or SINGLE
        got = None if received is None else received[key]
        error = None if got is None else tolerances.relative_error(got, expected[key])
        rows.append(Row(key=key, expected=expected[key], received=got, relative_error=error,
                        finite_difference=(finite or {}).get(quantity),
                        passed=got is not None and tolerances.close(got, expected[key])))
    return rows


def right_per_problem(step, references: list, answers: list) -> list:
    """right[i][k]: is answer key k right on problem i."""
    return [[tolerances.close(answer["values"][key or SINGLE], reference[quantity])
             for key, quantity in answer_items(step, reference)]
            for reference, answer in zip(references, answers)]


def right_by_key(step, references: list, right: list) -> list:
    """Per answer key, right on every problem; an array (or a list of them) counts as one
    answer, right in every entry."""
    if not step.arrays:
        return [all(trial[k] for trial in right) for k in range(len(step.answer_items))]
    groups = {}
    for reference, trial in zip(references, right):
        for (key, _), ok in zip(answer_items(step, reference), trial):
            groups.setdefault(array_key(step, key), []).append(ok)
    return [all(entries) for entries in groups.values()]


def judge(step, problem_set: ProblemSet, outcome: sandbox.Outcome, lang: str,
          contexts: list | None = None, path=None) -> Result:
    """Turn what the learner's code produced into a Result. All comparing happens here.

    ``contexts`` are the ``(values, step id, hidden)`` the code ran on (for the diagnosis).
    """
    title = pick(step.title, lang)
    base = dict(step=step.id, max_score=step.points, title=title, lang=lang,
                problems=len(problem_set.seeds), shown_seed=problem_set.seed,
                output=outcome.output, output_parts=outcome.output_parts, error=outcome.error)
    file_name = path or step.file_name
    if outcome.kind == "not_started":
        return Result(status="not_started", score=0.0, **base,
                      message=text(MESSAGES, "not_started", lang, file=file_name, step=step.id))
    if outcome.kind in ("error", "timeout"):
        key = "error" if outcome.kind == "error" else "timeout"
        found = None
        # numpy refusing a product's shapes (a matrix step's)
        if step.arrays and outcome.kind == "error" and not step.judges_runs:
            found = _array_diagnosis(step).from_error(step, outcome.error, lang)
        return Result(status=outcome.kind, score=0.0, **base, diagnosis=found,
                      message=text(MESSAGES, key, lang, detail=outcome.error))
    references = problem_set.references_for(step)
    for answer, reference in zip(outcome.answers, references):
        if "invalid" in answer:
            return _invalid(step, answer, base, lang, reference)
    if step.judges_runs:                       # step22: a training run, graded in parts
        from . import training

        return training.judge(step, problem_set, outcome, lang, contexts, base)
    right = right_per_problem(step, references, outcome.answers)
    failing = [i for i, keys in enumerate(right) if not all(keys)]
    shown = failing[0] if failing else 0
    rows = _rows(step, references[shown], outcome.answers[shown]["values"],
                 problem_set.finite_difference_for(step, shown))
    held = contexts[shown][0] if contexts is not None else references[shown]
    inputs = {name: held[name] for name in step.uses}
    base.update(shown_seed=problem_set.seeds[shown], shown_visible=shown == 0,
                inputs=inputs, rows=rows)
    cost_note = None
    if outcome.extras.get("loss_calls"):        # net.loss was offered: what the code cost
        from ..cost.lab import learner_cost, learner_cost_message

        base["cost"] = learner_cost(outcome.extras["loss_calls"][0], problem_set.problems[0])
        cost_note = learner_cost_message(base["cost"], lang)

    def noting_cost(message: str) -> str:
        return message if cost_note is None else \
            text(MESSAGES, "with_cost", lang, message=message, cost=cost_note)

    n = len(right)
    if not failing:
        return Result(status="passed", score=float(step.points), **base,
                      message=noting_cost(text(MESSAGES, "passed", lang, n=n)))
    keys_right = right_by_key(step, references, right)
    score = step.points * sum(keys_right) / len(keys_right) if step.returns_dict else 0.0
    if 0 in failing:
        message = text(MESSAGES, "failed", lang, bad=len(failing), n=n)
    elif step.per_problem:            # code for one network only: say which one it missed
        network = references[shown]
        layers = [len(network["x"])] + [len(w) for w in network["W"]["layers"]]
        message = text(MESSAGES, "failed_other_network", lang, bad=len(failing), others=n - 1,
                       layers="-".join(map(str, layers)), activation=network["activation"],
                       loss=network["loss_name"])
    else:
        message = text(MESSAGES, "failed_hidden", lang, bad=len(failing), others=n - 1)
    message = noting_cost(message)
    found = None
    if contexts is not None and step.per_problem:
        from .diagnosis import full_pass

        found = full_pass.diagnose(step, [values for values, _, _ in contexts],
                                   [answer["values"] for answer in outcome.answers],
                                   [expected_values(step, ref) for ref in references],
                                   references, lang)
    elif contexts is not None and step.arrays:
        from .diagnosis import matrix

        found = matrix.diagnose(step, [values for values, _, _ in contexts],
                                [answer["values"] for answer in outcome.answers],
                                [expected_values(step, ref) for ref in references], lang)
    elif contexts is not None:
        from .diagnosis import diagnose

        found = diagnose(step, [values for values, _, _ in contexts],
                         [answer["values"] for answer in outcome.answers],
                         [expected_values(step, ref) for ref in references], lang,
                         references=references)
    return Result(status="failed", score=round(score, 6), **base, message=message,
                  diagnosis=found)


def _array_diagnosis(step):
    """The diagnosis module of an array step: one layer's, or the whole backward pass's."""
    if step.per_problem:
        from .diagnosis import full_pass

        return full_pass
    from .diagnosis import matrix

    return matrix


def _invalid(step, answer: dict, base: dict, lang: str, reference: dict | None = None) -> Result:
    """An answer that is not a valid number (or array): what was wrong with it; for an array
    of the wrong shape, what each axis of the right one means, and the slip a shape shows
    (``reference``: the problem's, whose shapes a ``per_problem`` step's answer takes)."""
    if not step.arrays:
        return Result(status="invalid", score=0.0, **base,
                      message=text(MESSAGES, "invalid", lang, detail=answer["detail"]))
    if step.per_problem:
        from .diagnosis import full_pass

        found = full_pass.from_shape(step, answer, reference, lang)
    else:
        from .diagnosis import matrix

        found = matrix.from_shape(step, answer, lang)
    detail = answer["detail"]
    if answer.get("key") in step.arrays and answer["invalid"] == "shape":
        detail = text(MESSAGES, "with_axes", lang, detail=detail,
                      axes=step.axes(answer["key"], lang))
    return Result(status="invalid", score=0.0, **base,
                  diagnosis=found,
                  message=text(MESSAGES, "invalid_array", lang, detail=detail))


def _missing(step, folder: Path, problem_set: ProblemSet, lang: str) -> Result:
    path = Path(folder) / step.file_name
    return Result(step=step.id, status="not_started", score=0.0, max_score=step.points,
                  title=pick(step.title, lang), problems=len(problem_set.seeds), lang=lang,
                  message=text(MESSAGES, "missing_file", lang, file=path, step=step.id))


def _shown_path(path: Path) -> Path:
    """The path as the learner would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except (ValueError, OSError):
        return path


def _run(step, folder: Path, problem_set: ProblemSet, lang: str, timeout: float, upstream=None):
    """(Result, Outcome) for one step's file; Outcome is None when the file is missing."""
    path = Path(folder) / step.file_name
    if not path.is_file():
        return _missing(step, folder, problem_set, lang), None
    contexts = contexts_for(step, problem_set, lang, upstream)
    outcome = sandbox.run_file(path, step.function_name, contexts,
                               answer_keys(step, problem_set), lang, timeout)
    return judge(step, problem_set, outcome, lang, contexts, _shown_path(path)), outcome


def check_step(step, folder: Path, problem_set: ProblemSet, lang: str = "en",
               timeout: float = sandbox.DEFAULT_TIMEOUT, upstream=None) -> Result:
    return _run(step, folder, problem_set, lang, timeout, upstream)[0]


def select(step_names, chain: bool = False, lang: str = "en") -> list:
    """The steps to check, in order; with ``chain`` every step up to the last one named."""
    steps = ([registry.get(name, lang) for name in step_names] if step_names
             else list(registry.STEPS))
    steps = sorted(dict.fromkeys(steps), key=lambda step: step.number)
    if chain:
        last = steps[-1].number
        steps = [step for step in registry.STEPS if step.number <= last]
    return steps


def check(step_names, folder, seed: int = 0, lang: str = "en",
          timeout: float = sandbox.DEFAULT_TIMEOUT, chain: bool = False,
          cached: bool = False) -> Report:
    """Check the named steps (``["step7", "8"]``; empty means all) in ``folder``.

    With ``chain``, each step's ``net`` holds the learner's own answers of the earlier
    steps instead of the reference ones, so one early mistake shows where it spreads; each
    result blames only the root causes among the steps it depends on (:func:`root_causes`).
    """
    steps = select(step_names, chain, lang)
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(text(MESSAGES, "no_folder", lang, path=folder))
    problem_set = ProblemSet(seed, cached=cached)
    if not chain:
        return Report([check_step(step, folder, problem_set, lang, timeout) for step in steps],
                      seed)
    upstream = [{} for _ in problem_set.problems]
    held = {}                    # quantity name -> the Feed of the learner's answer net holds
    results = []
    for step in steps:
        result, outcome = _run(step, folder, problem_set, lang, timeout, upstream)
        result.chained_from = sorted({held[name].step for name in step.context if name in held},
                                     key=_number)
        result.chained_wrong = root_causes(step, held)
        if result.status == "failed" and result.chained_wrong:
            result.chain_consistent = consistent(step, upstream_contexts(step, problem_set, upstream),
                                                 outcome.answers)
        results.append(result)
        if step.judges_runs:          # fed nothing, feeds nothing: chained is alone
            result.chain_right_alone = result.passed
            continue
        if outcome is None or outcome.kind != "answers" or \
                any("invalid" in a for a in outcome.answers):
            continue                     # nothing to feed: later steps get the reference values
        alone = right_alone(step, folder, problem_set, lang, timeout, upstream, outcome)
        result.chain_right_alone = all(alone.values())
        if step.per_problem:
            continue                     # a network of each problem's own feeds nothing on
        for i, answer in enumerate(outcome.answers):
            for key, quantity in step.answer_items:
                upstream[i][quantity] = answer["values"][key or SINGLE]
        for key, quantity in step.answer_items:      # in the step's order: h1_1 before h2_1
            held[quantity] = Feed(step=step.id, right_alone=alone[key or SINGLE],
                                  reads=tuple(held[n] for n in step.reads[quantity] if n in held))
    return Report(results, seed)


def _number(step_id: str) -> int:
    return registry.get(step_id).number


class Feed(Record):
    """One of the learner's answers that ``net`` holds in chain mode: the step that gave it,
    whether that answer is right when the step is checked alone, and the answers its formula
    read (the edges of the dependency graph, :attr:`grader.steps.registry.Step.reads`)."""

    step: str
    right_alone: bool
    reads: tuple


def root_causes(step, held: dict) -> list:
    """The steps ``step`` depends on, directly or through other steps, whose own answer is
    wrong when checked alone. A step right alone but fed a wrong answer passes the blame on
    and is not blamed itself; a step whose formula reads no wrong answer blames nothing."""
    todo = [held[name] for name in step.uses if name in held]
    seen, wrong = set(), set()
    while todo:
        feed = todo.pop()
        if id(feed) in seen:
            continue
        seen.add(id(feed))
        if not feed.right_alone:
            wrong.add(feed.step)
        todo.extend(feed.reads)
    return sorted(wrong, key=_number)


def right_alone(step, folder: Path, problem_set: ProblemSet, lang: str, timeout: float,
                upstream, outcome: sandbox.Outcome) -> dict:
    """{answer key: right on every problem} for the step checked alone, on the reference
    inputs: the chained run itself when ``net`` held exactly those, else a run of its own."""
    reference = contexts_for(step, problem_set, lang)
    if [values for values, _, _ in reference] != upstream_contexts(step, problem_set, upstream):
        outcome = sandbox.run_file(Path(folder) / step.file_name, step.function_name, reference,
                                   answer_keys(step, problem_set), lang, timeout)
    keys = [key or SINGLE for key, _ in step.answer_items]
    if outcome.kind != "answers" or any("invalid" in a for a in outcome.answers):
        return dict.fromkeys(keys, False)
    references = problem_set.references_for(step)
    right = right_per_problem(step, references, outcome.answers)
    if step.per_problem:                        # one answer per array key, as it is scored
        return dict(zip(keys, right_by_key(step, references, right)))
    return {key: all(trial[k] for trial in right) for k, key in enumerate(keys)}


def upstream_contexts(step, problem_set: ProblemSet, upstream) -> list:
    return [values for values, _, _ in contexts_for(step, problem_set, "en", upstream)]


def consistent(step, contexts: list, answers: list) -> bool:
    """Does the step's own formula, on the values ``net`` held, give exactly these answers?

    In chain mode this tells a right formula fed wrong inputs from a wrong formula.
    """
    from ..steps.expression import evaluate, parse

    if step.expression is None:
        return False
    formulas = step.expression if isinstance(step.expression, dict) else {SINGLE: step.expression}
    for values, answer in zip(contexts, answers):
        env = {**values, **answer.get("values", {})}
        for key, source in formulas.items():
            received = answer.get("values", {}).get(key)
            try:
                wanted = evaluate(parse(source), env)
            except (KeyError, ArithmeticError, ValueError):
                return False
            if received is None or not tolerances.close(received, wanted):
                return False
    return True


def check_function(step_name, function=None, seed: int | None = None, lang: str | None = None,
                   timeout: float = sandbox.DEFAULT_TIMEOUT) -> Result:
    """Check a function object directly (notebooks): ``check("step7", my_step7)``.

    It runs in this process, stopped after ``timeout`` seconds (blocking calls too, from
    the main thread). Seed and language are found as ``bpgrade check`` finds them: the
    arguments, else the workspace around the current folder, else seed 0 and the locale.
    Without ``function`` the step's exercise file is checked, in a process of its own, as
    ``bpgrade check`` does.
    """
    from ..learner.workspace import settings

    setup = settings(seed=seed, lang=lang)
    lang = setup.lang
    step = registry.get(step_name, lang)
    problem_set = ProblemSet(setup.seed, cached=True)
    if function is None:
        return check_step(step, setup.folder, problem_set, lang, timeout)
    contexts = contexts_for(step, problem_set, lang)
    outcome = sandbox.run_function(function, contexts, answer_keys(step, problem_set), lang,
                                   timeout)
    return judge(step, problem_set, outcome, lang, contexts)
