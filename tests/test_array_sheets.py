"""Practice sheets of steps whose answers are arrays (grader.render.sheets.arrays): step19's,
and a step whose values are lists of matrices, as a step over every layer gives them."""

from __future__ import annotations

import html
import json
import re
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import latex_engine
from test_sheets import key_number, parsed, write_roster
from bpgrade_harness.answers import entries
from grader import i18n
from grader.cli import main
from grader.engine.seeds import student_seed
from grader.render import sheets
from grader.render.sheets import arrays, class_set, output
from grader.render.sheets.typeset import prose, tex_text
from grader.steps import hints as step_hints
from grader.steps import matrix, registry, stubs
from grader.steps.matrix import MatrixStep
from grader.steps.step import Prose, words
from grader.tolerances import HAND_RELATIVE

STEP19 = registry.get("step19")
SEED = 3
KEY_RELATIVE = 5e-4          # what 4 significant digits can be off by


def model(step=STEP19, seed=SEED, fmt="html", lang="en", kind="blank", scaffold="faded",
          student=None):
    return arrays.view(step, step.shown(seed), seed, fmt, lang, kind, student,
                       scaffold=scaffold)


def numbers_in(latex: str) -> list:
    """The numbers of a LaTeX matrix or list of them, in reading order."""
    text = re.sub(r"\^\{\(l[+-]?1?\)\}|_\{?\d+\}?|\\frac\{[^}]*\}\{[^}]*\}", "", latex)
    found = re.findall(r"-?\d+(?:\.\d+)?(?: \\times 10\^\{-?\d+\})?", text)
    return [key_number(n) for n in found]


def bmatrices(latex: str) -> list:
    return re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", latex)


# --- a step whose values are lists of arrays --------------------------------------------------

LIST_SHAPES = {"W": ((2, 3), (1, 2)), "b": ((2,), (1,)), "W_next": (2, 2), "delta_next": (2,),
               "eta": (), "dW": ((2, 3), (1, 2)), "delta": (2,), "db": ((2,), (1,))}


class ListStep(MatrixStep, frozen=True):
    """A made-up step over a 3-2-1 network: net offers every layer's W and b as lists, and
    the answers are a list of gradient matrices, a vector and a list of vectors."""

    def shape(self, name):
        return LIST_SHAPES[name]

    @property
    def arrays(self):
        return {key: LIST_SHAPES[key] for key, _ in self.rows}

    def reference(self, seed):
        rng = np.random.default_rng(seed)
        values = {
            "W": [np.round(rng.uniform(-1, 1, s), 2).tolist() for s in LIST_SHAPES["W"]],
            "b": [np.round(rng.uniform(-1, 1, s), 2).tolist() for s in LIST_SHAPES["b"]],
            "W_next": np.round(rng.uniform(-1, 1, (2, 2)), 2).tolist(),
            "delta_next": rng.uniform(-0.1, 0.1, 2).tolist(), "eta": 0.5}
        delta = np.array(values["W_next"]).T @ np.array(values["delta_next"])
        answers = {"dW": [rng.uniform(-1, 1, s) for s in LIST_SHAPES["dW"]], "delta": delta,
                   "db": [rng.uniform(-1, 1, s) for s in LIST_SHAPES["db"]]}
        for key, value in answers.items():
            for index, shape, names in arrays.pieces(key, LIST_SHAPES[key]):
                part = value if index is None else value[index]
                values.update(zip(names, np.ravel(part).tolist()))
        return values


LIST_STEP = ListStep(
    number=90, points=1, seed_step=False, layers=(3, 2, 1), layer=1,
    rows=(("dW", "W"), ("delta", "W_next.T @ delta_next"), ("db", "b")),
    offered={"W": words("every layer's weights", "每一层的权重"),
             "b": words("every layer's biases", "每一层的偏置"),
             "W_next": words("W⁽ˡ⁺¹⁾", "W⁽ˡ⁺¹⁾"), "delta_next": words("δ⁽ˡ⁺¹⁾", "δ⁽ˡ⁺¹⁾"),
             "eta": words("the learning rate η", "学习率 η")},
    prose=Prose(title=words("Every layer at once", "一次算完每一层"),
                meaning=words("The gradients of every layer.", "每一层的梯度。"),
                reuse=words("Reuse δ⁽ˡ⁺¹⁾.", "复用 δ⁽ˡ⁺¹⁾。"),
                chain=words("One product per layer.", "每层一个乘积。")))


def test_a_list_of_matrices_is_shown_item_by_item():
    values = LIST_STEP.reference(1)
    m = model(LIST_STEP, seed=1, fmt="md", kind="key", scaffold="full")
    given = {g["name"]: g["value"] for g in m["given"]}
    # one display per layer, written as the lesson writes layers: W⁽¹⁾, W⁽²⁾
    assert given["W"].startswith(r"W^{(1)} = \begin{bmatrix}")
    assert given["W[1]"].startswith(r"W^{(2)} = \begin{bmatrix}")
    assert [g["words"] != "" for g in m["given"][:2]] == [True, False]
    assert numbers_in(given["W"].split("=", 1)[1]) + numbers_in(given["W[1]"].split("=", 1)[1]) \
        == [x for w in values["W"] for row in w for x in row]
    assert numbers_in(given["b"].split("=", 1)[1]) + numbers_in(given["b[1]"].split("=", 1)[1]) \
        == [x for b in values["b"] for x in b]
    assert given["eta"] == r"\eta = 0.50"                          # a number, as given
    (dW, delta, db) = m["answers"]
    assert [p["symbol_latex"] for p in dW["parts"]] == [r"\frac{\partial L}{\partial W^{(1)}}",
                                                        r"\frac{\partial L}{\partial W^{(2)}}"]
    assert [len(row) for row in dW["parts"][0]["grid"]] == [3, 3]
    assert [len(row) for row in dW["parts"][1]["grid"]] == [2]
    assert dW["heading_after"] == ", a list of 2: a 2 × 3 matrix, a 1 × 2 matrix"
    for answer in (dW, delta, db):
        for index, shape, names in arrays.pieces(answer["key"], LIST_SHAPES[answer["key"]]):
            part = answer["parts"][index or 0]
            assert [cell["id"] for row in part["grid"] for cell in row] == names
            shown = numbers_in(part["result"].split("=", 1)[1])
            assert shown == pytest.approx([values[n] for n in names], rel=KEY_RELATIVE)
    assert dW["parts"][1]["grid"][0][1]["id"] == "dW[1][0,1]"
    # the worked numbers where the row reads single arrays, none where it reads a list
    assert dW["worked"] == "" and db["worked"] == ""
    assert bmatrices(delta["worked"])[0].startswith(" " + " & ".join(
        f"{x:.2f}" for x in values["W_next"][0]))


@pytest.mark.parametrize("fmt", sheets.FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_list_step_renders_in_every_format_and_language(fmt, lang):
    for kind in sheets.KINDS:
        if kind == "interactive" and fmt != "html":
            continue
        text = output.render(model(LIST_STEP, seed=2, fmt=fmt, lang=lang, kind=kind))
        assert i18n_title(LIST_STEP, lang, kind) in text
        if kind == "interactive":
            boxes = [a["data-id"] for n, a in parsed(text).tags if n == "input"]
            assert boxes == [n for key, shape in LIST_STEP.arrays.items()
                             for _, _, names in arrays.pieces(key, shape) for n in names]


def i18n_title(step, lang, kind):
    from grader import i18n

    key = "key_title" if kind == "key" else "title"
    return i18n.text(arrays.MESSAGES, key, lang, number=step.number,
                     title=step.title[lang]).split("：")[0].split(":")[0]


@pytest.mark.parametrize("shape, value", [((), 0.5), ((3,), [1, 2, 3]), ((2, 2), [[1, 2], [3, 4]]),
                                          (((2,), (1,)), [[1, 2], [3]]),
                                          (((1, 2), (1, 2)), [[[1, 2]], [[3, 4]]])])
def test_a_shape_is_read_from_its_value_where_the_step_gives_none(shape, value):
    assert arrays.inferred(value) == shape


# --- step19 ------------------------------------------------------------------------------------

def test_the_given_arrays_are_what_net_offers():
    values = STEP19.reference(SEED)
    m = model(fmt="md")
    assert [g["name"] for g in m["given"]] == list(STEP19.offered)
    for g in m["given"]:
        shown = numbers_in(g["value"].split("=", 1)[1])
        exact = [x for x in np.ravel(values[g["name"]])]
        assert shown == pytest.approx(exact, rel=KEY_RELATIVE), g["name"]
        if g["name"] in ("W", "b", "W_next"):          # parameters: two decimals, exactly
            assert shown == exact
    assert m["label"]["seed_line"] == f"Seed {SEED}: the same numbers as bpgrade show step19 " \
                                      f"--seed {SEED}."


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_the_key_works_every_answer_out(seed):
    values = STEP19.reference(seed)
    m = model(seed=seed, fmt="md", kind="key")
    sources = dict(STEP19.rows)
    shown = {g["name"]: np.array(numbers_in(g["value"].split("=", 1)[1]))
             for g in m["given"]}
    for answer in m["answers"]:
        key = answer["key"]
        (part,) = answer["parts"]
        names = entries(key, STEP19.shape(key))
        assert numbers_in(part["result"].split("=", 1)[1]) == pytest.approx(
            [values[n] for n in names], rel=KEY_RELATIVE)
        assert answer["formula"] == f"{arrays.symbol(key)} = " \
                                    f"{matrix.render(sources[key], latex=True)}"
        # the worked line puts in each array the row reads, and those numbers give the key
        assert answer["worked"].startswith("= ") and "{(l" not in answer["worked"]
        put_in = {name: shown[name].reshape(STEP19.shape(name)) if name in shown
                  else np.array([values[n] for n in entries(name, STEP19.shape(name))])
                  for name in matrix.names_in(sources[key])}
        assert len(bmatrices(answer["worked"])) >= len(put_in)
        again = matrix.evaluate(sources[key], put_in).ravel()
        assert again == pytest.approx([values[n] for n in names], rel=2e-3, abs=1e-6)


def test_the_interactive_sheet_has_a_box_per_entry_and_the_values_to_check_them():
    values = STEP19.reference(SEED)
    m = model(kind="interactive")
    html = output.render(m)
    page = parsed(html)
    boxes = [(a["data-id"], a["data-group"]) for n, a in page.tags
             if n == "input" and "answer" in a.get("class", "")]
    expected_ids = [(n, key) for key, shape in STEP19.arrays.items() for n in entries(key, shape)]
    assert boxes == expected_ids and len(boxes) == 3 + 12 + 3
    (data,) = [json.loads(s[2]) for s in page.scripts if s[1].get("type") == "application/json"]
    assert data["expected"] == {n: values[n] for n, _ in expected_ids}
    assert data["changes"] == {} == data["scales"] and data["relative"] == HAND_RELATIVE
    for key in STEP19.arrays:
        assert f'id="hints-{key}"' in html
    visible = " ".join(page.text)
    key = model(kind="key")
    for answer in key["answers"]:
        for n in entries(answer["key"], STEP19.shape(answer["key"])):
            assert arrays.written(values[n], False) not in visible


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
def test_the_lesson_and_hints_follow_the_scaffold(scaffold):
    m = model(kind="interactive", lang="zh", scaffold=scaffold)
    shows = stubs.support(STEP19, scaffold)
    assert m["shows"] == shows
    assert bool(m["formula"]) is (shows == "formula")
    assert m["meaning"] == (STEP19.meaning if shows == "formula" else STEP19.goal)["zh"]
    hints = [" ".join(step_hints.parts(STEP19, k, "zh", scaffold, paper=True))
             for k in sorted(STEP19.hints)]
    for answer in m["answers"]:
        assert answer["hints"] == hints
        assert ("▢" in answer["hints"][1]) is (shows != "formula")
        assert not any("net." in h or "net[" in h for h in answer["hints"])


def test_the_blank_sheet_shows_no_answer():
    values = STEP19.reference(SEED)
    for fmt in sheets.FORMATS:
        text = output.render(model(fmt=fmt, kind="blank"))
        for key, shape in STEP19.arrays.items():
            for n in entries(key, shape):
                assert arrays.written(values[n], False).lstrip("-") not in text
        if fmt == "html":
            assert not [s for s in parsed(text).scripts if s[0] == "script"]
            assert "<input" not in text and 'class="grid"' in text
        else:
            assert text.count(r"\underline{\qquad\quad}") == 18


def test_the_key_shows_each_result_in_every_format():
    m = model(fmt="tex", kind="key")
    text = output.render(m)
    for answer in m["answers"]:
        assert answer["parts"][0]["result"] in text and answer["worked"] in text
    html = output.render(model(kind="key"))
    assert html.count('class="step"') == 3 and "<input" not in html
    assert "<svg" not in html                                # no network drawing


@pytest.mark.parametrize("fmt, kind", [("md", "blank"), ("md", "key"), ("tex", "blank"),
                                       ("tex", "key"), ("html", "blank"), ("html", "key"),
                                       ("html", "interactive")])
def test_chinese_array_sheets_use_full_width_punctuation(fmt, kind):
    out = output.render(model(fmt=fmt, lang="zh", kind=kind, scaffold="full"))
    if fmt == "html":
        out = re.sub(r"<(style|script|math)\b.*?</\1>", "", out, flags=re.S)
    else:
        out = re.sub(r"\$\$.*?\$\$|\\\[.*?\\\]|\$[^$]*\$", "", out, flags=re.S)
    assert not re.findall(r".{0,12}[\u4e00-\u9fff][:,;.!?].{0,12}", out)
    assert "姓名：" in out and "。" in out


WHOLE_PASS = [registry.get("step20"), registry.get("step21")]


@pytest.mark.parametrize("step", WHOLE_PASS, ids=["step20", "step21"])
@pytest.mark.parametrize("seed", [3, 8])
def test_a_whole_pass_sheet_is_the_visible_problem_layer_by_layer(step, seed):
    """Steps 20 and 21 draw a network per problem: the sheet is the visible one's (what
    bpgrade show prints), every layer's arrays given and every layer's gradients keyed."""
    values = step.reference_at(seed, 0)
    m = model(step, seed=seed, fmt="md", kind="key")
    given = {g["name"]: g for g in m["given"]}
    for name in ("W", "b", "z", "h"):
        layers = values[name]["layers"]
        items = [g for g in m["given"] if g["name"] == name or g["name"].startswith(name + "[")]
        assert len(items) == len(layers)
        shown = [x for g in items for x in numbers_in(g["value"].split("=", 1)[1])]
        assert shown == pytest.approx(np.concatenate([np.ravel(a) for a in layers]).tolist(),
                                      rel=KEY_RELATIVE), name
    for name in ("activation", "output_activation", "loss_name"):   # names, as code
        assert given[name]["code"] and f'net.{name} = "{values[name]}"' in given[name]["value"]
    out = output.render(m)
    assert "$$\n`net." not in out and f'`net.loss_name = "{values["loss_name"]}"`' in out
    for answer in m["answers"]:
        shapes = step.keys_for(values)[answer["key"]]
        assert len(answer["parts"]) == len(shapes)
        for k, (part, shape) in enumerate(zip(answer["parts"], shapes)):
            names = entries(f"{answer['key']}[{k}]", shape)
            assert numbers_in(part["result"].split("=", 1)[1]) == pytest.approx(
                [values[n] for n in names], rel=KEY_RELATIVE)
    blank = output.render(model(step, seed=seed, fmt="md", kind="blank"))
    first = step.keys_for(values)["dW"][0]
    assert not any(f"{values[n]:.4g}" in blank for n in entries("dW[0]", first))


@pytest.mark.parametrize("step", [STEP19, LIST_STEP, *WHOLE_PASS],
                         ids=["step19", "lists", "step20", "step21"])
@pytest.mark.parametrize("lang, kind", [("en", "blank"), ("zh", "key"), ("en", "key")])
def test_array_sheet_latex_compiles(tmp_path, step, lang, kind):
    engine = latex_engine(lang)
    source = tmp_path / "sheet.tex"
    source.write_text(output.render(model(step, fmt="tex", lang=lang, kind=kind)),
                      encoding="utf-8")
    result = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", source.name], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log and "Overfull \\hbox" not in log


# --- the command -------------------------------------------------------------------------------

@pytest.mark.parametrize("options, kind", [([], "interactive"), (["--static"], "blank"),
                                           (["--answers"], "key")])
def test_cli_sheet_of_an_array_step(tmp_path, options, kind):
    target = tmp_path / "s.html"
    result = CliRunner().invoke(main, ["sheet", "--step", "19", "--seed", "4", "--lang", "zh",
                                       "-o", str(target)] + options)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == output.render(
        arrays.sheet_model(STEP19, 4, "html", "zh", kind))


def test_cli_markdown_sheet_of_an_array_step_is_one_file(tmp_path):
    target = tmp_path / "s.md"
    result = CliRunner().invoke(main, ["sheet", "--step", "step19", "--format", "md", "-o",
                                       str(target)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["s.md"]
    assert "![" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("arguments, lang, words", [
    (["--step", "7"], "en", "--step takes a step whose answers are arrays (step19, step20"),
    (["--step", "step0"], "zh", "--step 只接受答案为数组的步骤（step19、step20"),
    (["--step", "step19", "--loss", "binary_cross_entropy"], "en",
     "--loss is for the lesson's network"),
    (["--step", "step19", "--loss", "mean_squared_error"], "zh", "--loss 只用于课文的网络"),
    (["--step", "99"], "en", "99 is not a step; valid: step0"),
])
def test_cli_refuses_what_an_array_sheet_cannot_be(arguments, lang, words):
    result = CliRunner().invoke(main, ["sheet", *arguments, "--lang", lang])
    assert result.exit_code == 2 and words in result.output
    assert "Traceback" not in result.output


def test_a_roster_of_array_sheets(tmp_path):
    roster = write_roster(tmp_path / "class.csv", "student\nann\n张伟\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sheet", "--roster", str(roster), "--out", str(out),
                                       "--step", "step19", "--answers", "--format", "md"],
                                env={"BPGRADE_SECRET": "k"})
    assert result.exit_code == 0, result.output
    assert len(list(out.iterdir())) == 2 * 2 + 1                 # no drawings
    for student in ("ann", "张伟"):
        seed = student_seed("k", student)
        stem = class_set.file_stem(student)
        key = (out / f"{stem}.key.md").read_text(encoding="utf-8")
        assert key == output.render(arrays.view(STEP19, STEP19.shown(seed), seed, "md",
                                                "en", "key", student))
        assert f"--seed {seed}" in key and student in key


# --- step22: one epoch of training XOR by hand -------------------------------------------------

STEP22 = registry.get("step22")


def key_values(m) -> dict:
    """Every entry the key shows, by its name, read back from its result lines."""
    found = {}
    for answer in m["answers"]:
        (part,) = answer["parts"]
        names = [cell["id"] for row in part["grid"] for cell in row]
        found.update(zip(names, numbers_in(part["result"].split("=", 1)[1])))
    return found


@pytest.mark.parametrize("seed", [3, 11])
def test_step22_sheet_gives_the_visible_problem(seed):
    """X, T, the initial parameters and η exactly as bpgrade show step22 --seed N prints
    them; the epochs, threshold and sampled epochs are the code's, not the sheet's."""
    held = STEP22.held(STEP22.reference(seed))
    m = model(STEP22, seed=seed, fmt="md")
    assert [g["name"] for g in m["given"]] == ["X", "T", "W1", "b1", "W2", "b2",
                                                "learning_rate"]
    for g in m["given"]:
        assert numbers_in(g["value"].split("=", 1)[1]) == np.ravel(held[g["name"]]).tolist()
    assert m["label"]["seed_line"] == f"Seed {seed}: the same numbers as bpgrade show step22 " \
                                      f"--seed {seed}."
    assert m["meaning"] == STEP22.sheet_task["en"]


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_step22_key_is_the_engines_epoch_0_and_one_update(seed):
    """The key's gradients are the reference run's epoch-0 gradients (what the learner's code
    reports as its first sample); its new parameters are its epoch-1 parameters and one
    gradient-descent step from the given ones; the interactive sheet checks against the same."""
    drawn = STEP22.draw(seed)
    start, grads = drawn["kept"][0]
    after, _ = drawn["kept"][1]
    shown = key_values(model(STEP22, seed=seed, fmt="md", kind="key"))
    for name, gradient, old, new in zip(("W1", "b1", "W2", "b2"), grads, start, after):
        ids = entries("d" + name, gradient.shape)
        assert [shown[i] for i in ids] == pytest.approx(gradient.ravel(), rel=KEY_RELATIVE)
        step_taken = old - drawn["eta"] * gradient
        ids = entries("new_" + name, gradient.shape)
        assert [shown[i] for i in ids] == pytest.approx(step_taken.ravel(), rel=KEY_RELATIVE)
        assert step_taken == pytest.approx(new, rel=1e-12)
        # the key writes enough decimals that the change shows to 4 significant digits
        change = np.array([shown[i] for i in ids]) - old.ravel()
        assert change == pytest.approx(-drawn["eta"] * gradient.ravel(), rel=KEY_RELATIVE)
    data = [json.loads(s[2]) for s in parsed(output.render(model(STEP22, seed=seed,
                                                                 kind="interactive"))).scripts
            if s[1].get("type") == "application/json"][0]
    assert data["expected"]["dW1[3,1]"] == grads[0][3, 1]
    assert data["changes"]["new_b1[2]"] == {"old": start[1][2],
                                            "change": pytest.approx(-drawn["eta"] * grads[1][2],
                                                                    rel=1e-12)}
    assert set(data["changes"]) == {n for key in ("new_W1", "new_b1", "new_W2", "new_b2")
                                    for n in entries(key, STEP22.sheet_answers[key])}
    # a batch's sums: each entry judged against its array's largest entry, or largest change
    assert data["scales"]["dW1[0,0]"] == data["scales"]["dW1[3,1]"] == np.abs(grads[0]).max()
    assert data["scales"]["new_b1[0]"] == pytest.approx(drawn["eta"] * np.abs(grads[1]).max(),
                                                        rel=1e-12)
    assert set(data["scales"]) == set(data["expected"])


@pytest.mark.parametrize("seed", [3, 11])
def test_step22_key_works_each_answer_out_from_the_numbers_above_it(seed):
    """Each answer's worked line puts in the given numbers and the key's earlier results (as
    matrices, the key's own digits), and its formula on the values above it gives its result:
    the forward pass, the backward pass, the update."""
    m = model(STEP22, seed=seed, fmt="md", kind="key")
    values, shapes = STEP22.shown(seed)
    known = {name: np.array(values[name]) for name in (*STEP22.sheet_given, "ones")}
    shown = key_values(m)
    results = {a["key"]: a["parts"][0]["result"].split("=", 1)[1].strip() for a in m["answers"]}
    sources = dict(STEP22.sheet_rows)
    assert [a["key"] for a in m["answers"]] == list(STEP22.sheet_answers) \
        == ["H", "Y", "D2", "dW2", "db2", "D1", "dW1", "db1",
            "new_W1", "new_b1", "new_W2", "new_b2"]
    for answer in m["answers"]:
        key, shape = answer["key"], STEP22.sheet_answers[answer["key"]]
        assert answer["formula"] == f"{arrays.symbol(key)} = " \
                                    f"{matrix.render(sources[key], latex=True)}"
        assert answer["worked"].startswith("= ") and "W^{(1)}" not in answer["worked"]
        for name in matrix.names_in(sources[key]):
            if name in results and r"\begin" in results[name]:
                assert results[name] in answer["worked"], (key, name)
        again = matrix.evaluate(sources[key], known).ravel()
        result = [shown[n] for n in entries(key, shape)]
        exact = [values[n] for n in entries(key, shape)]
        assert again == pytest.approx(exact, rel=1e-9, abs=1e-15), key
        assert result == pytest.approx(exact, rel=KEY_RELATIVE), key
        known[key] = np.array(exact).reshape(shape)
    assert r"\sigma\left(" in m["answers"][0]["formula"]
    # Δ⁽¹⁾'s working puts 13 columns side by side: set smaller when printed from HTML
    assert [a["key"] for a in m["answers"] if a["wide"]] == ["D1"]
    assert not any(a["wide"] for a in model(kind="key")["answers"])            # step19
    assert m["answers"][-1]["formula"] == r"{b^{(2)}}_{\text{new}} = b^{(2)} - \eta " \
                                          r"\frac{\partial L}{\partial b^{(2)}}"


def test_step22_blank_sheet_shows_no_answer():
    values, _ = STEP22.shown(SEED)
    for fmt in sheets.FORMATS:
        text = output.render(model(STEP22, fmt=fmt, kind="blank"))
        for key, shape in STEP22.sheet_answers.items():
            for n in entries(key, shape):
                assert arrays.written(values[n], False).lstrip("-") not in text, (fmt, n)
        if fmt == "html":
            assert not [s for s in parsed(text).scripts if s[0] == "script"]
            assert "<input" not in text
        else:
            assert text.count(r"\underline{\qquad\quad}") == sum(
                int(np.prod(s)) for s in STEP22.sheet_answers.values())


@pytest.mark.parametrize("fmt", sheets.FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
def test_step22_sheet_renders_in_every_format_language_and_kind(fmt, lang, scaffold):
    values, _ = STEP22.shown(SEED)
    for kind in sheets.KINDS:
        if kind == "interactive" and fmt != "html":
            continue
        m = model(STEP22, fmt=fmt, lang=lang, kind=kind, scaffold=scaffold)
        text = output.render(m)
        assert i18n_title(STEP22, lang, kind) in text and m["meaning"] in text
        update_note = i18n.text(sheets.model.MESSAGES, "update_tolerance", lang, digits=3,
                                percent="0.5%")
        scaled_note = i18n.text(arrays.MESSAGES, "array_tolerance", lang, percent="0.5%")
        assert m["notes"] == [prose(update_note, lang, fmt), prose(scaled_note, lang, fmt)]
        assert all(note in (html.unescape(text) if fmt == "html" else text)
                   for note in m["notes"])
        if kind == "interactive":
            boxes = [a["data-id"] for n, a in parsed(text).tags if n == "input"]
            assert boxes == [n for key, shape in STEP22.sheet_answers.items()
                             for n in entries(key, shape)]
        if kind == "key":
            assert arrays.written(values["dW1[0,0]"], False).lstrip("-") in text
        hints = [" ".join(step_hints.parts(STEP22, k, lang, scaffold, paper=True))
                 for k in sorted(STEP22.hints)]
        hints = [tex_text(h) for h in hints] if fmt == "tex" else hints
        assert len(hints) == 3 and all(a["hints"] == hints for a in m["answers"])


@pytest.mark.parametrize("fmt, kind", [("md", "key"), ("tex", "blank"), ("html", "interactive")])
def test_chinese_step22_sheets_use_full_width_punctuation(fmt, kind):
    out = output.render(model(STEP22, fmt=fmt, lang="zh", kind=kind, scaffold="full"))
    if fmt == "html":
        out = re.sub(r"<(style|script|math)\b.*?</\1>", "", out, flags=re.S)
    else:
        out = re.sub(r"\$\$.*?\$\$|\\fitdisplay\{.*|\\\[.*?\\\]|\$[^$]*\$", "", out,
                     flags=re.S | re.M)
    assert not re.findall(r".{0,12}[\u4e00-\u9fff][:,;.!?].{0,12}", out)
    assert "手算一轮" in out and "。" in out


@pytest.mark.parametrize("lang, kind, scaffold", [("en", "blank", "full"), ("zh", "key", "faded"),
                                                  ("en", "key", "none"), ("zh", "blank", "full")])
def test_step22_latex_compiles_without_overfull_lines(tmp_path, lang, kind, scaffold):
    """The batch's 4 × 4 products and the formula at full scaffold fit the page."""
    engine = latex_engine(lang)
    source = tmp_path / "sheet.tex"
    source.write_text(output.render(model(STEP22, fmt="tex", lang=lang, kind=kind,
                                          scaffold=scaffold)), encoding="utf-8")
    result = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", source.name], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log and "Overfull \\hbox" not in log


@pytest.mark.parametrize("step", registry.STEPS, ids=lambda s: s.id)
def test_cli_sheet_of_every_step_is_made_or_refused_cleanly(tmp_path, step):
    """Every step of the table either has a sheet in every format and language, or is refused
    with a message in the chosen language naming the steps that have one (exit 2)."""
    for fmt in sheets.FORMATS:
        for lang in ("en", "zh"):
            target = tmp_path / f"{step.id}-{lang}.{fmt}"
            result = CliRunner().invoke(main, ["sheet", "--step", step.id, "--seed", "2",
                                               "--format", fmt, "--lang", lang, "--answers",
                                               "-o", str(target)])
            assert "Traceback" not in result.output
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                result.exception
            if step.sheet_answers:
                assert result.exit_code == 0, result.output
                assert i18n_title(step, lang, "key") in target.read_text(encoding="utf-8")
            else:
                assert result.exit_code == 2 and not target.exists()
                words = {"en": f"{step.id} has no sheet of its own: --step takes a step whose "
                               "answers are arrays (step19, step20, step21, step22)",
                         "zh": f"{step.id} 没有单独的练习卷：--step 只接受答案为数组的步骤"
                               "（step19、step20、step21、step22）"}[lang]
                assert words in result.output
