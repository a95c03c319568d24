"""grader.i18n: one lookup for every message, and every message in English and Chinese.

The tables are found by their shape in every module of grader and bpgrade_harness; the
source is read as a tree to find text a person reads that bypasses them; and --lang is
followed to what a learner's code runs into (net, net.loss, the notebook, the classroom).
"""

import ast
import importlib
import re
import string
from pathlib import Path

import pytest

from grader import i18n

from grader.render import terminal as reporters


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LC_MESSAGES": "zh_CN", "LANG": "en_US"}, "zh"),
    ({"LC_MESSAGES": "en_GB", "LANG": "zh_CN"}, "en"),
    ({}, "en"),
    ({"LANG": "C"}, "en"),
])
def test_default_language_follows_the_locale(environ, expected):
    assert i18n.default_language(environ) == expected


def test_an_explicit_language_wins(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert i18n.resolve(None) == "zh"
    assert i18n.resolve("en") == "en"


class FakeTerminal:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_colour_only_on_a_terminal_and_never_under_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert reporters.use_color(FakeTerminal(True)) is True
    assert reporters.use_color(FakeTerminal(False)) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert reporters.use_color(FakeTerminal(True)) is False


def _placeholders(template: str) -> set:
    """The {names} a message formats."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- one lookup: text and pick share one rule ------------------------------------------------

PAIR = {"en": "{n} steps", "zh": "{n} 步"}


@pytest.mark.parametrize("lang, expected", [("en", "3 steps"), ("zh", "3 步"), ("fr", "3 steps"),
                                            (None, "3 steps"), ("", "3 steps")])
def test_text_and_pick_fall_back_to_english_alike(lang, expected):
    assert i18n.text({"steps": PAIR}, "steps", lang, n=3) == expected
    assert i18n.pick(PAIR, lang).format(n=3) == expected


def test_the_grader_and_the_harness_share_the_lookup():
    from bpgrade_harness import messages

    assert i18n.text is messages.text and i18n.pick is messages.pick


def test_an_unknown_language_never_crashes_a_lookup():
    from grader.checking import check as checking
    from grader.errors import UsageError
    from grader.steps import registry

    with pytest.raises(UsageError, match="step99 is not a step"):
        registry.get("step99", "fr")
    report = checking.Report([checking.Result(step="step7", status="failed", score=0.0,
                                              max_score=1, message="m", lang="fr")], 0)
    shown = reporters.terminal(report, "fr")
    assert "failed" in shown and "∂L/∂w₁₁⁽²⁾" in shown
    assert "failed" in reporters.progress(report, "fr")


# --- every table, everywhere: both languages, the same placeholders --------------------------

def _modules() -> dict:
    """name -> module, for every module of grader and bpgrade_harness."""
    import pkgutil

    import bpgrade_harness
    import grader

    found = {}
    for package in (grader, bpgrade_harness):
        found[package.__name__] = package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):              # runs the command line
                found[info.name] = importlib.import_module(info.name)
    return found


MODULES = _modules()


def _is_pair(value) -> bool:
    return isinstance(value, dict) and "en" in value and set(value) <= {"en", "zh"}


def _is_table(value) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(entry, dict) and "en" in entry for entry in value.values())


def _tables() -> list:
    """(module, name) of every module-level message table or lone pair, whatever its name."""
    return [(module, name) for module, m in MODULES.items() for name, value in vars(m).items()
            if _is_table(value) or _is_pair(value)]


def test_the_message_tables_are_found():
    found = set(_tables())
    assert {("grader.classroom", "MESSAGES"), ("grader.sandbox.isolation", "MESSAGES"),
            ("bpgrade_harness.child", "MESSAGES"), ("bpgrade_harness.net", "MESSAGES"),
            ("bpgrade_harness.jail", "MESSAGES"), ("grader.render.terminal", "STATUS"),
            ("grader.steps.registry", "_NOT_A_STEP"), ("grader.steps.stubs", "_RETURNS")} <= found
    assert len(found) > 35


@pytest.mark.parametrize("module, name", _tables())
def test_every_table_has_both_languages_with_the_same_placeholders(module, name):
    value = getattr(MODULES[module], name)
    entries = {name: value} if _is_pair(value) else value
    for key, entry in entries.items():
        assert set(entry) == set(i18n.LANGUAGES), (module, key)
        assert all(isinstance(entry[lang], str) and entry[lang] for lang in entry), (module, key)
        assert _placeholders(entry["en"]) == _placeholders(entry["zh"]), (module, key)


# --- the source, read as a tree -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("grader/**/*.py"), *ROOT.glob("bpgrade_harness/**/*.py")])


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _trees() -> list:
    return [(path.relative_to(ROOT).as_posix(), _module_name(path),
             ast.parse(path.read_text(encoding="utf-8"))) for path in SOURCES]


TREES = _trees()


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _table_for(expression, module) -> dict | None:
    """The table a text() call names, where it is a name of the module (or of a module it
    imported): ``MESSAGES``, ``STATUS_NAMES``, ``child.MESSAGES``."""
    if isinstance(expression, ast.Name):
        return getattr(module, expression.id, None)
    if isinstance(expression, ast.Attribute) and isinstance(expression.value, ast.Name):
        return getattr(getattr(module, expression.value.id, None), expression.attr, None)
    return None


def _text_calls() -> list:
    """(where, table, key, fields or None for **fields) of every text(TABLE, "key", ...)."""
    calls = []
    for path, name, tree in TREES:
        if name not in MODULES:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _callee(node) == "text" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)):
                continue
            table = _table_for(node.args[0], MODULES[name])
            if _is_table(table):
                fields = None if any(k.arg is None for k in node.keywords) else \
                    {k.arg for k in node.keywords}
                calls.append((f"{path}:{node.lineno}", table, node.args[1].value, fields))
    return calls


TEXT_CALLS = _text_calls()


def test_text_calls_are_found():
    assert len(TEXT_CALLS) > 150


def test_every_message_looked_up_exists_and_gets_exactly_its_placeholders():
    wrong = []
    for where, table, key, fields in TEXT_CALLS:
        if key not in table:
            wrong.append((where, key, "no such message"))
        elif fields is not None and fields != _placeholders(table[key]["en"]):
            wrong.append((where, key, sorted(fields), sorted(_placeholders(table[key]["en"]))))
    assert not wrong


# --- no [lang] indexing: text() and pick() are the only lookups --------------------------------

LOOKUP_HOMES = {"grader/i18n.py", "bpgrade_harness/messages.py"}
# Pairs indexed by a language i18n.resolve() has already made "en" or "zh", each with why.
INDEXED_PAIRS = {
    "LAYERS_ERROR": "the command line's --layers message, read with i18n.resolve()'s en or zh",
    "FILE_ERROR": "the command line's unwritable-file message, read with i18n.resolve()'s en or zh",
}


def _mentions_language(node) -> bool:
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and "lang" in part.id.lower():
            return True
        if isinstance(part, ast.Attribute) and "lang" in part.attr.lower():
            return True
        if isinstance(part, ast.Call) and _callee(part) in ("resolve", "default_language"):
            return True
    return False


def _indexed_by_language() -> list:
    found = []
    for path, _, tree in TREES:
        if path in LOOKUP_HOMES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and _mentions_language(node.slice):
                found.append((path, node.lineno, ast.unparse(node)))
            elif isinstance(node, ast.Call) and _callee(node) == "get" and node.args \
                    and not isinstance(node.args[0], ast.Constant) \
                    and _mentions_language(node.args[0]):
                found.append((path, node.lineno, ast.unparse(node)))
    return found


def test_no_message_is_indexed_by_language():
    found = [(path, line, code) for path, line, code in _indexed_by_language()
             if code.split("[")[0] not in INDEXED_PAIRS]
    assert not found, "read pairs with i18n.pick(pair, lang), tables with i18n.text"


def test_the_index_scan_sees_an_indexed_pair():
    tree = ast.parse("title = step.title[lang]\nname = NAMES.get(self.lang, 'x')\n"
                     "other = data['lang']\n")
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript | ast.Call)
            and ((isinstance(n, ast.Subscript) and _mentions_language(n.slice))
                 or (isinstance(n, ast.Call) and _callee(n) == "get"
                     and _mentions_language(n.args[0])))]
    assert [ast.unparse(n) for n in hits] == ["step.title[lang]", "NAMES.get(self.lang, 'x')"]


# --- no English-only text reaches a person ----------------------------------------------------

# Two words in a row, or a word beside a value: "not found", "takes {} arguments" (not a
# unit, "{} ms", nor a file name, "problems-{}.json").
WORDS = r"[A-Za-z]{2,}[ ,;:'’-]+[A-Za-z]{2,}"
BESIDE_A_VALUE = r"[A-Za-z]{3,}[ ,;:]+\{\}|\{\}[ ,;:]+[A-Za-z]{3,}"
ENGLISH = re.compile(f"{WORDS}|{BESIDE_A_VALUE}")
MARKUP = re.compile(r"<[^<>]*>|\\[A-Za-z]+")     # HTML, MathML and LaTeX commands are not prose
# Where text reaches a person: printed, raised, or handed on as a message.
SINKS = {"echo", "secho", "fail", "print", "warn", "BadParameter", "ClickException"}
MESSAGE_KEYWORDS = {"message", "error", "detail", "reason", "how", "title"}

# Literal English that is not a message for a learner or teacher, each with why.
NOT_FOR_PEOPLE = {
    "has no attribute": "a module's __getattr__: Python's own AttributeError for a name that "
                        "does not exist (grader/__init__.py, grader/sandbox/__init__.py)",
    "takes {} arguments": "Record used wrongly in code: a programming error, like Python's "
                          "own TypeError for a bad call (grader/records.py)",
    "got an unexpected or repeated argument": "Record used wrongly in code (grader/records.py)",
    "is missing the argument": "Record used wrongly in code (grader/records.py)",
    "is read-only": "assigning to a frozen Record in code (grader/records.py)",
    "unsupported in a step formula": "a formula in the step table that the diagnosis cannot "
                                     "parse: a bug in the table, caught by its tests",
    "the operation counter does not handle": "the cost lab's counter met a numpy call it does "
                                             "not count: a bug in the lab, not a user's input",
    "no overlap-free label position": "the sheet's drawing could not place its labels: the "
                                      "drawing is fixed, so this is a bug, caught by its tests",
    "not an object": "sandbox.answers.decode: why a child's reply is refused; the caller turns "
                     "it into the translated 'unreadable' message",
    "malformed invalid marker": "sandbox.answers.decode, as above",
    "wrong keys": "sandbox.answers.decode, as above",
    "is not a finite number": "sandbox.answers.decode, as above",
    "the sandbox runner stopped": "RunnerError: the grading job retries the student in a fresh "
                                  "runner, then records the translated 'crashed' message",
    "no memory cgroup hierarchy to use": "StudentMemory.enter: the caller catches the OSError "
                                         "and grades without a shared memory cgroup",
    "Naive(ops=": "cost.symbolic.Naive.__repr__: a developer's view of a record, short so its "
                  "sympy expressions do not fill the screen",
    "trial count": "sandbox.outcome.trusted: why a child's reply is refused; the caller turns "
                   "it into the translated 'unreadable' message",
}

# Files whose literal English is not a message for a person, each with why.
EXEMPT_FILES = {
    "grader/steps/stubs.py": "an exercise file: its docstring holds the English and the Chinese "
                             "text one after the other, and the stub's NotImplementedError is "
                             "read by the checker as 'not started', never shown",
    "grader/render/mathml.py": "LaTeX to MathML for the step table's own formulas; an error "
                               "names a construct it does not support: a bug in the table, "
                               "caught by its tests",
}


def _literals(node) -> list:
    """The constant texts a string expression may give, with {} where values go."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    if isinstance(node, ast.BinOp):                    # "a " + b: one text
        return [" ".join(_literals(node.left) + _literals(node.right))]
    if isinstance(node, ast.BoolOp):                   # a or "b": either text
        return [text for value in node.values for text in _literals(value)]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Call) and _callee(node) == "format" \
            and isinstance(node.func, ast.Attribute):
        return _literals(node.func.value)
    return []


def _is_english(literal: str) -> bool:
    return bool(ENGLISH.search(MARKUP.sub(" ", literal)))


def _reaching_people(tree) -> list:
    """(line, how it is used, expression) of every string a person may read."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            found += [(node.lineno, "raise", a) for a in node.exc.args]
        elif isinstance(node, ast.Call):
            name = _callee(node)
            if name in SINKS or name.endswith(("Error", "Exception")):
                found += [(node.lineno, name, a) for a in node.args]
            if name == "text":
                found += [(node.lineno, "a field of text()", k.value) for k in node.keywords]
            found += [(node.lineno, f"{k.arg}=", k.value) for k in node.keywords
                      if k.arg in MESSAGE_KEYWORDS]
        elif isinstance(node, ast.Return) and node.value is not None:
            found.append((node.lineno, "return", node.value))
    return found


def _english_literals() -> list:
    """(file, line, use, text) of literal English handed to a person outside a table."""
    found = []
    for path, _, tree in TREES:
        for line, use, node in _reaching_people(tree):
            found += [(path, line, use, literal) for literal in _literals(node)
                      if _is_english(literal)]
    return found


ENGLISH_LITERALS = _english_literals()


def test_no_user_facing_text_is_english_only():
    found = [(path, line, use, literal) for path, line, use, literal in ENGLISH_LITERALS
             if path not in EXEMPT_FILES
             and not any(snippet in literal for snippet in NOT_FOR_PEOPLE)]
    assert not found, "put the text in the module's MESSAGES and read it with i18n.text"


def test_every_allowance_is_still_needed():
    texts = [literal for path, _, _, literal in ENGLISH_LITERALS]
    assert not [snippet for snippet in NOT_FOR_PEOPLE if not any(snippet in t for t in texts)]
    assert not [path for path in EXEMPT_FILES
                if not any(p == path for p, _, _, _ in ENGLISH_LITERALS)]


@pytest.mark.parametrize("source, caught", [
    ('raise UsageError("the folder is missing")', True),
    ('click.echo(f"wrote {path} for you")', True),
    ('return Outcome("error", error="no child")', True),
    ('text(MESSAGES, "died", lang, how="no child")', True),
    ('return f"exit code {n}"', True),
    ('return why or "the probe ended"', True),
    ('raise UsageError(text(MESSAGES, "missing", lang, path=path))', False),
    ('return f"<mo stretchy=\\"false\\">{x}</mo>"', False),
    ('return f"{name} = {value:.2f}"', False),
    ('raise TypeError(f"{name}() takes {n} arguments, {m} given")', True),
    ('return f"{seconds * 1000:.0f} ms"', False),
    ('return cache / f"problems-{seed}-{count}.json"', False),
    ('return r"\\frac{\\partial L}{\\partial " + symbol(name) + "}"', False),
])
def test_the_english_scan_sees_literal_english(source, caught):
    uses = _reaching_people(ast.parse(source))
    assert any(_is_english(text) for _, _, node in uses for text in _literals(node)) == caught


# --- --lang reaches what the learner's code runs into ------------------------------------------

def _cjk(value: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in value)


MISSPELT_NAME = "def step7(net):\n    return net.h1_l * net.h2_1\n"
UNKNOWN_LOSS_PARAMETER = "def step18(net):\n    return {'dL_dw1_11': net.loss(w9=1.0)}\n"
TEXT_FOR_LOSS = "def step18(net):\n    return {'dL_dw1_11': net.loss(w1_11='0.5')}\n"


def _check(tmp_path, source: str, step: str, lang: str, locale: str) -> str:
    """``bpgrade check STEP --lang LANG`` on a file holding ``source``, under ``locale``."""
    from click.testing import CliRunner

    from grader.cli import main
    from grader.steps import registry

    folder = tmp_path / f"{lang}-{locale}"
    folder.mkdir()
    (folder / registry.get(step).file_name).write_text(source, encoding="utf-8")
    result = CliRunner(env={"LANG": locale, "LC_ALL": None, "LC_MESSAGES": None}).invoke(
        main, ["check", step, "--exercises", str(folder), "--lang", lang])
    assert result.exit_code == 1, result.output
    return result.output


def test_a_missing_net_name_follows_lang_not_the_locale(tmp_path):
    english = _check(tmp_path, MISSPELT_NAME, "step7", "en", "zh_CN.UTF-8")
    assert "net has no value named 'h1_l' in step7; did you mean net.h1_" in english
    assert not _cjk(english)
    chinese = _check(tmp_path, MISSPELT_NAME, "step7", "zh", "en_US.UTF-8")
    assert "net 中没有名为 'h1_l' 的值（step7）；是否想写 net.h1_" in chinese
    assert "did you mean" not in chinese


@pytest.mark.parametrize("source, english, chinese", [
    (UNKNOWN_LOSS_PARAMETER, "net.loss takes parameter names (w1_11 … b3), not 'w9'",
     "net.loss 接受参数名（w1_11 … b3），而不是 'w9'"),
    (TEXT_FOR_LOSS, "net.loss(w1_11=...) needs a real number, not a str",
     "net.loss(w1_11=...) 需要一个实数，而不是 str"),
])
def test_net_loss_errors_follow_lang(tmp_path, source, english, chinese):
    shown = _check(tmp_path, source, "step18", "en", "zh_CN.UTF-8")
    assert english in shown and not _cjk(shown)
    shown = _check(tmp_path, source, "step18", "zh", "en_US.UTF-8")
    assert chinese in shown and "parameter names" not in shown and "real number" not in shown


def test_classroom_grading_speaks_the_graders_language(tmp_path, monkeypatch):
    """The runner's children get the language from the grading side, never the locale."""
    from bpgrade_harness import child
    from grader import sandbox
    from grader.checking.check import ProblemSet, answer_keys, contexts_for
    from grader.steps import registry
    from grader.steps.context import loss_names

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    isolation = sandbox.choose(trust_submissions=True, lang="zh")
    steps = [registry.get("step7"), registry.get("step18")]
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "step07.py").write_text(MISSPELT_NAME)
    (folder / "step18.py").write_text(UNKNOWN_LOSS_PARAMETER)
    problems = ProblemSet(5)
    for lang, missing, loss in (("zh", "是否想写 net.h1_", "net.loss 接受参数名"),
                                ("en", "did you mean net.h1_", "net.loss takes parameter names")):
        runner = sandbox.RunnerClient(5.0, lang, sandbox.Limits(memory=256 << 20),
                                      isolation.user(0), isolation.mode, isolation.quota)
        try:
            runner.start_student(folder, len(steps))
            outcomes = runner.run_many([
                child.step_request(step.function_name, contexts_for(step, problems, lang),
                                   answer_keys(step), loss_names(step.id), file=step.file_name)
                for step in steps])
        finally:
            runner.close()
        assert [o.kind for o in outcomes] == ["error", "error"]
        assert missing in outcomes[0].error and loss in outcomes[1].error
        assert _cjk(outcomes[0].error + outcomes[1].error) == (lang == "zh")


def test_the_notebooks_status_label_is_translated():
    import grader

    def wrong(net):
        return net.dL_dh2_1 * net.h1_1

    chinese = grader.check("step7", wrong, lang="zh")
    assert "step7 未通过" in repr(chinese)
    html = chinese._repr_html_()
    assert "step7 · 未通过" in html and "failed" not in html
    english = grader.check("step7", wrong, lang="en")
    assert "step7 · failed" in english._repr_html_() and not _cjk(english._repr_html_())


def _summary_with(codes: list):
    from grader.classroom.summary import Summary
    from grader.steps import registry

    summary = Summary(list(registry.STEPS))
    for student, code in enumerate(codes):
        summary.add({"student": str(student), "score": 0.0, "results": [
            {"step": "step2", "status": "failed", "diagnosis": {"code": code}},
            {"step": "step3", "status": "timeout", "diagnosis": None}]})
    return summary


def test_the_class_summarys_diagnosis_column_is_translated():
    summary = _summary_with(["missing_activation_derivative"] * 2 + ["sign_flipped"])
    chinese = summary.render("zh")
    assert "漏掉 σ′ 因子 (2)" in chinese and "超时 (3)" in chinese
    assert "missing_activation_derivative" not in chinese and "most common" not in chinese
    english = summary.render("en")
    assert "σ′ factor missing (2)" in english and not _cjk(english)


def test_a_diagnosis_code_without_words_is_shown_as_it_is():
    assert "a_future_code (1)" in _summary_with(["a_future_code"]).render("zh")


def test_every_diagnosis_the_checker_gives_has_words_in_the_summary():
    from grader.checking import diagnosis
    from grader.classroom import summary

    assert not [code for code in diagnosis.OPERATORS
                if "diagnosis_" + code not in summary.MESSAGES]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_class_summarys_columns_line_up_in_either_language(lang):
    """Chinese characters take two columns on a terminal; the columns still line up."""
    from grader.classroom import summary as summary_module

    def column(line: str, starting: str) -> int:
        return reporters.display_width(line[:line.index(starting)])

    def words(key: str) -> str:
        return i18n.text(summary_module.MESSAGES, key, lang)

    lines = _summary_with(["missing_activation_derivative"]).render(lang).splitlines()
    head, step2 = lines[1], next(line for line in lines if line.startswith("step2 "))
    status = i18n.text(summary_module.STATUS, "failed", lang)
    assert column(head, words("col_problem")) == column(step2, status) \
        == column(lines[2], "—")
    assert column(head, words("col_diagnosis")) == column(
        step2, summary_module.diagnosis_name("missing_activation_derivative", lang))


# --- "lesson" for the text taught, "seed" only for the random seed ---------------------------

SEED_AS_LESSON = {"en": re.compile(r"\bseed's\b|\bthe seed\b(?! \{)", re.IGNORECASE),
                  "zh": re.compile("原文")}


def _learner_texts():
    """Every message, every step's prose and hints, every stub: what learners read."""
    from grader.steps import registry, stubs

    for module, name in _tables():
        value = vars(MODULES[module])[name]
        for key, pair in ([(None, value)] if _is_pair(value) else value.items()):
            for lang, template in pair.items():
                yield f"{module}.{name}[{key}]", lang, template
    for step in registry.STEPS:
        for field in ("title", "meaning"):
            for lang, value in getattr(step, field).items():
                yield f"{step.id}.{field}", lang, value
        for level, pair in (step.hints or {}).items():
            for lang, value in pair.items():
                yield f"{step.id}.hint{level}", lang, value
        yield f"{step.id} stub", "en", stubs.render(step)
        yield f"{step.id} stub", "zh", stubs.render(step)


def test_the_lesson_is_never_called_the_seed():
    wrong = [(where, lang, text) for where, lang, text in _learner_texts()
             if SEED_AS_LESSON[lang].search(text)]
    assert not wrong, wrong
    assert reporters.text(reporters.MESSAGES, "uses", "en") == "The lesson's formula uses:"
    assert reporters.text(reporters.MESSAGES, "uses", "zh") == "课文公式用到："


# --- Chinese punctuation -----------------------------------------------------------------------

# A half-width colon, comma, semicolon, full stop, ! ? or bracket beside a Chinese character.
HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][:,;.!?()]|[(:,;][\u4e00-\u9fff]|"
                                       r"[\u4e00-\u9fff] [:,;]")


def _chinese_texts():
    """Every Chinese message of every table, the step table's prose and the losses' hints."""
    from grader.steps import registry

    for module, name in _tables():
        value = getattr(MODULES[module], name)
        for key, entry in ({name: value} if _is_pair(value) else value).items():
            yield f"{module}.{name}[{key}]", entry["zh"]
    for step in registry.STEPS:
        for field in ("title", "meaning", "goal"):
            yield f"{step.id}.{field}", getattr(step, field)["zh"]
        for level, hint in step.hints.items():
            yield f"{step.id}.hint{level}", hint["zh"]
    for loss, rows in registry.LOSS_ROWS.items():
        yield f"LOSS_ROWS[{loss}]", rows["chain"]["zh"]


@pytest.mark.parametrize("where, text", list(_chinese_texts()))
def test_chinese_uses_full_width_punctuation(where, text):
    assert not HALF_WIDTH_BESIDE_CHINESE.search(text), (where, text)
