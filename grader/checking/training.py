"""Grading a training run (step22): three parts, each recomputed from the learner's numbers.

Nothing the learner reports is taken on trust: not a loss, not a gradient, not a claim to have
trained. On every problem:

- **gradients**: the gradients reported at each sampled epoch equal the reference backprop
  (grader.engine.training) on the *same* reported weights, so a gradient is judged on its own,
  whatever the loop did; and the weights of epoch 0 are this problem's given ones, so weights
  with their gradients looked up elsewhere (another problem's run) earn nothing;
- **training**: the weights at epoch 0 are exactly the given ones, and the weights at each
  sampled epoch and after the last one are those of gradient descent from them with η for the
  given epochs (the reference run drawn with the problem, to the usual tolerance: an honest
  loop written any other way stays within 10⁻¹⁰ of it). Weights made up by hand, or a good
  solution returned without training, fail here;
- **final loss**: the grader's own forward pass on the final weights is below the threshold.
  It counts only where the training part passed: otherwise the final weights are not the
  result of training, and a low loss of weights made by hand earns nothing.

Each part is a third of the points. The diagnosis names what is certain on every problem: a
gradient with its sign flipped, doubled or halved, summed over the examples instead of
averaged, without the hidden σ′ or with the output's; an update up the gradient or without η; samples that alias
the final arrays or were taken after the update; a start from other weights; a loop that stops
short of the threshold.
"""

from __future__ import annotations

from .. import tolerances
from ..i18n import text

PARTS = ("gradients", "training", "loss")

MESSAGES = {
    "gradients": {"en": "gradients", "zh": "梯度"},
    "training": {"en": "training", "zh": "训练过程"},
    "loss": {"en": "final loss", "zh": "最终损失"},
    "part_passed": {"en": "{part} passed", "zh": "{part}通过"},
    "part_failed": {"en": "{part} failed on {bad} of {n} problems",
                    "zh": "{part}在 {n} 个问题中有 {bad} 个未通过"},
    "part_not_counted": {"en": "{part} not counted (the final weights are not those of the "
                               "training)",
                         "zh": "{part}不计分（最终权重不是训练得到的）"},
    "joined": {"en": "; ", "zh": "；"},
    # diagnoses
    "sign_flipped": {"en": "the gradients have their sign flipped: with w ← w − η ∂L/∂w "
                           "the loss rises instead of falling",
                     "zh": "梯度的符号反了：用 w ← w − η ∂L/∂w 更新时损失会上升而不是下降"},
    "factor_of_two": {"en": "the gradients are off by a factor of two ({factor:g} × the right "
                            "ones)",
                      "zh": "梯度差了两倍（是正确值的 {factor:g} 倍）"},
    "sum_not_mean": {"en": "the gradients are summed over the {n} examples, not averaged: "
                                "the loss is their mean, so Δ⁽²⁾ = (Y − T)/n",
                          "zh": "梯度对 {n} 个样本求了和而没有取平均：损失是它们的平均值，"
                                "所以 Δ⁽²⁾ = (Y − T)/n"},
    "missing_activation_derivative": {
        "en": "∂L/∂W⁽¹⁾ and ∂L/∂b⁽¹⁾ lack the hidden layer's σ′ factor H ⊙ (1−H)",
        "zh": "∂L/∂W⁽¹⁾ 和 ∂L/∂b⁽¹⁾ 漏掉了隐藏层的 σ′ 因子 H ⊙ (1−H)"},
    "output_slope": {
        "en": "the output's σ′ Y ⊙ (1−Y) is an extra factor: with the cross-entropy it cancels "
              "against ∂L/∂y, so Δ⁽²⁾ = (Y − T)/n",
        "zh": "输出层的 σ′ 即 Y ⊙ (1−Y) 是多余的因子：用交叉熵时它与 ∂L/∂y 相互抵消，"
              "所以 Δ⁽²⁾ = (Y − T)/n"},
    "not_started_from_given": {
        "en": "the weights at epoch 0 are not the given ones: start the training from net.W1, "
              "net.b1, net.W2 and net.b2",
        "zh": "第 0 轮的权重不是给定的权重：请从 net.W1、net.b1、net.W2 和 net.b2 开始训练"},
    "aliased_samples": {
        "en": "every sampled epoch holds the final weights: the update changes the arrays in "
              "place, so keep a copy (W1.copy()) of what you report",
        "zh": "每个抽样轮次保存的都是最终权重：更新原地修改了数组，请保存一份副本（W1.copy()）"},
    "sampled_after_update": {
        "en": "each sampled epoch holds the parameters after its update: record them, and the "
              "gradients computed on them, before updating",
        "zh": "每个抽样轮次保存的是更新之后的参数：请在更新之前记录参数和在它们上面算出的梯度"},
    "update_sign_flipped": {
        "en": "the update goes up the gradient, w ← w + η ∂L/∂w, so the loss rises: subtract",
        "zh": "更新方向沿着梯度上升（w ← w + η ∂L/∂w），损失会上升：应该减去"},
    "missing_learning_rate": {
        "en": "the update leaves out η: w ← w − ∂L/∂w instead of w ← w − η ∂L/∂w",
        "zh": "更新漏掉了 η：写成了 w ← w − ∂L/∂w，而不是 w ← w − η ∂L/∂w"},
    "not_converged": {
        "en": "the sampled epochs follow gradient descent, but the final weights are not those "
              "after net.epochs epochs and their loss is still above net.threshold: the "
              "training stopped too soon; run every one of the epochs with net.learning_rate",
        "zh": "抽样轮次符合梯度下降，但最终权重不是 net.epochs 轮之后的权重，损失也仍高于 "
              "net.threshold：训练停得太早；请用 net.learning_rate 跑完全部轮次"},
    "not_trained": {
        "en": "the weights do not follow from the given ones by gradient descent with "
              "net.learning_rate for net.epochs epochs: the final weights must be the "
              "training's own result",
        "zh": "这些权重不是从给定权重出发、用 net.learning_rate 做 net.epochs 轮梯度下降得到的："
              "最终权重必须是训练本身的结果"},
}


def arrays(step, values: dict) -> dict:
    """The learner's answer as arrays again, from its entries (``sample_W1[0,1,0]`` …)."""
    import numpy as np

    from bpgrade_harness.answers import entries

    return {key: np.array([values[name] for name in entries(key, shape)]).reshape(shape)
            for key, shape in step.arrays.items()}


class Run:
    """One problem's training run, as reported and as recomputed."""

    def __init__(self, step, held: dict, reference: dict, got: dict):
        import numpy as np

        from ..engine import training
        from ..steps.training import GRADIENTS, PARAMETERS, SAMPLED

        self.X, self.T = np.array(held["X"]), np.array(held["T"])
        self.eta, self.threshold = held["learning_rate"], held["threshold"]
        self.initial = tuple(np.array(held[name]) for name in PARAMETERS)
        self.final = tuple(got[name] for name in PARAMETERS)
        samples = range(step.sampled)
        self.sampled = [tuple(got[SAMPLED + n][k] for n in PARAMETERS) for k in samples]
        self.grads = [tuple(got[SAMPLED + n][k] for n in GRADIENTS) for k in samples]
        self.right_grads = [training.gradients(p, self.X, self.T) for p in self.sampled]
        self.reference_sampled = [tuple(np.array(p) for p in ps) for ps in reference["sampled"]]
        self.reference_final = tuple(np.array(p) for p in reference["final"])
        self.reference_loss = reference["loss"]
        self.loss = training.loss(self.final, self.X, self.T)

        self.gradients_right = all(_close(g, r) for g, r in zip(self.grads, self.right_grads))
        self.started_right = all(np.array_equal(a, b)
                                 for a, b in zip(self.sampled[0], self.initial))
        self.follows = all(_close(p, r) for p, r in zip(self.sampled, self.reference_sampled))
        self.ends_right = _close(self.final, self.reference_final)
        self.trained = self.started_right and self.follows and self.ends_right
        self.below = bool(self.loss < self.threshold)

    def passed(self, part: str) -> bool:
        if part == "gradients":          # on this problem's weights: epoch 0 is the given one
            return self.started_right and self.gradients_right
        if part == "training":
            return self.trained
        return self.trained and self.below


def _close(arrays_a, arrays_b) -> bool:
    return all(tolerances.close(float(a), float(b))
               for x, y in zip(arrays_a, arrays_b) for a, b in zip(x.ravel(), y.ravel()))


def _scaled(runs, factor: float) -> bool:
    """Are the reported gradients ``factor`` × the right ones, everywhere?"""
    return all(_close(g, [factor * r for r in right])
               for run in runs for g, right in zip(run.grads, run.right_grads))


def _slipped(run, params, hidden_slope: bool = True, output_slope: bool = False) -> tuple:
    """The four gradients with a slip of σ′: the hidden one left out, or the output's kept
    (the lesson's squared-error habit, where the cross-entropy cancels it)."""
    from ..engine.forward import sigmoid

    W1, b1, W2, b2 = params
    H = sigmoid(run.X @ W1.T + b1)
    Y = sigmoid(H @ W2.T + b2)
    D2 = (Y - run.T) / len(run.X) * (Y * (1 - Y) if output_slope else 1.0)
    D1 = (D2 @ W2) * (H * (1 - H) if hidden_slope else 1.0)
    return D1.T @ run.X, D1.sum(axis=0), D2.T @ H, D2.sum(axis=0)


def _everywhere(runs, **slip) -> bool:
    """Are the reported gradients the slip's, at every sampled epoch of every problem?"""
    return all(_close(g, _slipped(run, p, **slip))
               for run in runs for g, p in zip(run.grads, run.sampled))


def _gradient_slip(runs, lang: str):
    from ..steps.training import EXAMPLES

    if _scaled(runs, -1.0):
        return "sign_flipped", text(MESSAGES, "sign_flipped", lang)
    for factor in (2.0, 0.5):
        if _scaled(runs, factor):
            return "factor_of_two", text(MESSAGES, "factor_of_two", lang, factor=factor)
    if _scaled(runs, float(EXAMPLES)):
        return "sum_not_mean", text(MESSAGES, "sum_not_mean", lang, n=EXAMPLES)
    if _everywhere(runs, hidden_slope=False):
        return "missing_activation_derivative", \
            text(MESSAGES, "missing_activation_derivative", lang)
    if _everywhere(runs, output_slope=True):
        return "extra_factor", text(MESSAGES, "output_slope", lang)
    return None


def _training_slip(runs, lang: str):
    moves = [(run, tuple(b - a for a, b in zip(run.sampled[0], run.sampled[1])))
             for run in runs]
    # the first update against the learner's own gradients: right is −η g
    for code, message, factor in (("sign_flipped", "update_sign_flipped", lambda run: run.eta),
                                  ("missing_learning_rate", "missing_learning_rate",
                                   lambda run: -1.0)):
        if all(_close(move, [factor(run) * g for g in run.grads[0]]) for run, move in moves):
            return code, text(MESSAGES, message, lang)
    if all(run.follows for run in runs) and any(not run.ends_right and not run.below
                                                for run in runs):
        return "not_converged", text(MESSAGES, "not_converged", lang)
    return "not_trained", text(MESSAGES, "not_trained", lang)


def _aliased(runs) -> bool:
    """Does every sampled epoch hold exactly the final weights (arrays kept, then changed in
    place)? Then even right gradients fail, on weights the samples no longer hold."""
    import numpy as np

    return all(all(np.array_equal(a, b) for a, b in zip(sample, run.final))
               for run in runs for sample in run.sampled)


def diagnose(runs, lang: str):
    """{"code", "message", "part"} for the first failing part, where the slip is certain."""
    if _aliased(runs):
        return {"code": "aliased_samples", "message": text(MESSAGES, "aliased_samples", lang),
                "part": "training"}
    if all(_close(run.sampled[0], run.reference_sampled[1]) for run in runs):
        return {"code": "sampled_after_update", "part": "training",
                "message": text(MESSAGES, "sampled_after_update", lang)}
    if not all(run.started_right for run in runs):      # nothing else is on this problem
        return {"code": "not_trained", "part": "training",
                "message": text(MESSAGES, "not_started_from_given", lang)}
    for part, find in (("gradients", _gradient_slip), ("training", _training_slip),
                       ("loss", _training_slip)):
        if all(run.passed(part) for run in runs):
            continue
        found = find(runs, lang)
        if found is None:
            return None
        code, message = found
        return {"code": code, "message": message, "part": part}
    return None


def finite_differences(run, k: int) -> list:
    """Central differences of the mean loss on the reported parameters of sampled epoch
    ``k``: every gradient entry again, from L alone (parameter by parameter, entry by entry)."""
    import numpy as np

    from ..engine import training

    eps, params, out = tolerances.FINITE_DIFFERENCE_STEP, run.sampled[k], []
    for p, value in enumerate(params):
        for index in np.ndindex(value.shape):
            moved = [list(params), list(params)]
            for sign, side in ((1.0, moved[0]), (-1.0, moved[1])):
                side[p] = value.astype(float)
                side[p][index] += sign * eps
            out.append((training.loss(moved[0], run.X, run.T)
                        - training.loss(moved[1], run.X, run.T)) / (2 * eps))
    return out


def _rows(step, run, witness: bool) -> list:
    """The shown problem's numbers: each reported gradient beside the right one on the same
    weights (and, with ``witness``, a central difference of L there), the final weights beside
    the reference run's, and the final loss."""
    import numpy as np

    from bpgrade_harness.answers import entries

    from .check import Row
    from ..steps.training import GRADIENTS, PARAMETERS, SAMPLED

    pairs = []
    if witness:       # per sampled epoch, in the order of the parameters: regroup by key
        differences = [finite_differences(run, k) for k in range(step.sampled)]
        sizes = np.cumsum([0] + [p.size for p in run.sampled[0]])
    for k, name in enumerate(GRADIENTS):
        key = SAMPLED + name
        got = [g[k] for g in run.grads]
        want = [r[k] for r in run.right_grads]
        witnessed = [d[sizes[k]:sizes[k + 1]] for d in differences] if witness else None
        pairs.append((key, got, want, witnessed))
    for k, name in enumerate(PARAMETERS):
        pairs.append((name, [run.final[k]], [run.reference_final[k]], None))
    rows = []
    for key, got, want, witnessed in pairs:
        got, want = np.array(got).ravel(), np.array(want).ravel()
        witnessed = np.array(witnessed).ravel() if witnessed is not None else [None] * len(got)
        for name, a, b, w in zip(entries(key, step.shape(key)), got, want, witnessed):
            rows.append(Row(key=name, expected=float(b), received=float(a),
                            relative_error=tolerances.relative_error(float(a), float(b)),
                            finite_difference=None if w is None else float(w),
                            passed=tolerances.close(float(a), float(b))))
    rows.append(Row(key="L", expected=float(run.reference_loss), received=float(run.loss),
                    relative_error=tolerances.relative_error(run.loss, run.reference_loss),
                    finite_difference=None, passed=run.below))
    return rows


def judge(step, problem_set, outcome, lang: str, contexts, base: dict):
    """The Result of a training run: the answers are valid arrays (checked before)."""
    from .check import Result

    held = contexts if contexts is not None else \
        [(step.held(reference), step.id, {}) for reference in problem_set.references]
    import numpy as np

    with np.errstate(all="ignore"):       # weights a wrong loop sent off: inf, never a warning
        runs = [Run(step, values, step.reference_run(reference),
                    arrays(step, answer["values"]))
                for (values, _, _), reference, answer
                in zip(held, problem_set.references, outcome.answers)]
        found = diagnose(runs, lang) if not all(run.passed(p) for run in runs for p in PARTS) \
            else None
    n = len(runs)                 # the visible problem and step.trials − 1 further ones
    base = dict(base, problems=n)
    passed = {part: sum(run.passed(part) for run in runs) for part in PARTS}
    words = []
    for part in PARTS:
        name = text(MESSAGES, part, lang)
        if passed[part] == n:
            words.append(text(MESSAGES, "part_passed", lang, part=name))
        elif part == "loss" and passed["training"] < n:
            words.append(text(MESSAGES, "part_not_counted", lang, part=name))
        else:
            words.append(text(MESSAGES, "part_failed", lang, part=name, bad=n - passed[part],
                              n=n))
    parts_right = [passed[part] == n for part in PARTS]
    failing = [i for i, run in enumerate(runs) if not all(run.passed(p) for p in PARTS)]
    shown = failing[0] if failing else 0
    with np.errstate(all="ignore"):
        # the witness where the check shows one (classroom gradebooks show none)
        rows = _rows(step, runs[shown], bool(problem_set.finite_difference(shown)))
    base = dict(base, shown_seed=problem_set.seeds[shown], shown_visible=shown == 0,
                inputs={name: held[shown][0][name]
                        for name in ("learning_rate", "epochs", "threshold")}, rows=rows)
    message = text(MESSAGES, "joined", lang).join(words)
    if all(parts_right):
        return Result(status="passed", score=float(step.points), message=message, **base)
    score = step.points * sum(parts_right) / len(PARTS)
    return Result(status="failed", score=round(score, 6), message=message, diagnosis=found,
                  **base)
