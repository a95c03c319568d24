"""A learner's workspace: a folder with ``bpgrade.toml`` and ``exercises/stepNN.py``.

``bpgrade init`` writes it (stubs rendered from the registry, so a plain
``pip install bpgrade`` is enough); ``check``, ``list``, ``show`` and ``watch`` find it by
looking in the current folder and its parents. A learner's file is never overwritten
unless they ask for it (``--force``, or ``reset`` after confirming, which keeps the old file
as ``stepNN.py.bak``), and ``init`` makes no workspace inside another unless ``--force``.
"""

from __future__ import annotations

import os
from ..atomic_write import write_atomically
from ..records import Record
from pathlib import Path

from ..steps import registry
from ..errors import UsageError
from ..i18n import LANGUAGES, LIST_SEPARATOR, pick, text

CONFIG_NAME = "bpgrade.toml"
EXERCISES = "exercises"
DEFAULT_DIR = "bpgrade-exercises"

MESSAGES = {
    "bad_config": {"en": "{path} is not a valid workspace file ({reason}); fix it or run "
                         "bpgrade init --force",
                   "zh": "{path} 不是有效的工作区文件（{reason}）；请修正，或运行 bpgrade init --force"},
    "no_workspace": {"en": "no workspace here: run bpgrade init, or pass --exercises DIR",
                     "zh": "这里没有工作区：请运行 bpgrade init，或用 --exercises DIR 指定"},
    "not_a_dir": {"en": "{path} exists and is not a folder", "zh": "{path} 已存在且不是目录"},
    "nested": {"en": "{path} is inside the workspace {enclosing}; your exercises are in "
                     "{exercises}. To make a separate workspace there anyway: "
                     "bpgrade init {path} --force",
               "zh": "{path} 位于工作区 {enclosing} 之内；你的练习在 {exercises}。"
                     "如确实要在那里另建一个工作区：bpgrade init {path} --force"},
    "no_seed": {"en": "it needs a [workspace] table with seed = N",
                "zh": "需要 [workspace] 表及 seed = N"},
    "bad_seed": {"en": "seed must be a whole number >= 0", "zh": "seed 必须是 >= 0 的整数"},
    "bad_lang": {"en": "lang must be one of {choices}", "zh": "lang 只能是 {choices} 之一"},
    "bad_scaffold": {"en": "scaffold must be one of {choices}, not {value}",
                     "zh": "scaffold 只能是 {choices} 之一，不能是 {value}"},
    "config_comment": {"en": "# bpgrade workspace: your own problem's seed, how much of the "
                             "lesson the exercises show\n# (scaffold: full, faded or none) and, "
                             "optionally, your language.",
                       "zh": "# bpgrade 工作区：你自己题目的种子、练习显示课文内容的多少\n"
                             "# （scaffold：full、faded 或 none），以及（可选的）语言。"},
    "readme_title": {"en": "Your backpropagation exercises", "zh": "你的反向传播练习"},
    "readme_seed": {"en": "Your problem's seed is {seed}. See its numbers with "
                          "`bpgrade show step1`.",
                    "zh": "你的题目种子是 {seed}。用 `bpgrade show step1` 查看具体数值。"},
    "readme_open": {"en": "Open `exercises/step00.py` (the forward pass) or `exercises/step01.py`.",
                    "zh": "打开 `exercises/step00.py`（前向传播）或 `exercises/step01.py`。"},
    "readme_fill": {"en": "Fill in the function; the docstring says what to compute and what "
                          "`net.` offers (and, early on, the lesson's formula).",
                    "zh": "完成函数；文档字符串说明要算什么、`net.` 提供哪些值"
                          "（前几步还给出课文的公式）。"},
    "readme_check": {"en": "Run `bpgrade check step1` (or `bpgrade watch` to re-check on every "
                           "save).",
                     "zh": "运行 `bpgrade check step1`（或 `bpgrade watch`，每次保存自动检查）。"},
    "readme_stuck": {"en": "Stuck? `bpgrade hint step1`, then `--level 2`, `--level 3`.",
                     "zh": "卡住了？`bpgrade hint step1`，再试 `--level 2`、`--level 3`。"},
    "readme_progress": {"en": "`bpgrade list` shows your progress; `bpgrade reset step1` "
                              "restores a stub (your old file is kept as `step01.py.bak`).",
                        "zh": "`bpgrade list` 查看进度；`bpgrade reset step1` 恢复某一步的初始文件"
                              "（旧文件保存为 `step01.py.bak`）。"},
}


# A workspace written before scaffolding had no ``scaffold`` key: its stubs were rendered with
# the formula everywhere, so it keeps "full". Reading it as the new default would make ``reset``
# restore a different stub from the one the learner had, and call their untouched stubs edited.
LEGACY_SCAFFOLD = "full"


class Workspace(Record, frozen=True, eq=True):
    root: Path
    seed: int
    lang: str | None = None
    scaffold: str = LEGACY_SCAFFOLD

    @property
    def exercises(self) -> Path:
        return self.root / EXERCISES

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME


README_STEPS = ("readme_open", "readme_fill", "readme_check", "readme_stuck", "readme_progress")


def _config_text(seed: int, learner_lang: str | None, lang: str, scaffold: str) -> str:
    """The workspace file; its comment in the learner's language."""
    from ..render import templates

    return templates.render("workspace.toml.j2", seed=int(seed), lang=learner_lang,
                            scaffold=scaffold,
                            comment=text(MESSAGES, "config_comment", learner_lang or lang))


def _readme_text(seed: int, lang: str) -> str:
    from ..render import templates

    return templates.render("workspace_readme.md.j2", title=text(MESSAGES, "readme_title", lang),
                            seed_line=text(MESSAGES, "readme_seed", lang, seed=seed),
                            steps=[text(MESSAGES, key, lang) for key in README_STEPS])


def load(root: Path, lang: str = "en") -> Workspace:
    from ..toml import tomllib

    path = Path(root) / CONFIG_NAME

    def invalid(reason) -> UsageError:
        return UsageError(text(MESSAGES, "bad_config", lang, path=path, reason=reason))

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise invalid(exc) from None
    table = data.get("workspace")
    seed = table.get("seed") if isinstance(table, dict) else None
    if seed is None:
        raise invalid(text(MESSAGES, "no_seed", lang))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise invalid(text(MESSAGES, "bad_seed", lang))
    chosen = table.get("lang")
    if chosen is not None and chosen not in LANGUAGES:
        raise invalid(text(MESSAGES, "bad_lang", lang, choices=", ".join(LANGUAGES)))
    scaffold = table.get("scaffold", LEGACY_SCAFFOLD)
    check_scaffold(scaffold, lang, invalid)
    return Workspace(Path(root), seed, chosen, scaffold)


def check_scaffold(value, lang: str = "en", error=UsageError) -> str:
    """``value`` if it is a scaffold level, else ``error`` with a message naming the levels."""
    from ..steps.stubs import SCAFFOLDS

    if not isinstance(value, str) or value not in SCAFFOLDS:
        choices = pick(LIST_SEPARATOR, lang).join(SCAFFOLDS)
        raise error(text(MESSAGES, "bad_scaffold", lang, choices=choices, value=repr(value)))
    return value


def find(start: Path | None = None, lang: str = "en") -> Workspace | None:
    """The workspace containing ``start`` (default: the current folder), if any."""
    folder = _enclosing_root(Path(start or os.getcwd()))
    return None if folder is None else load(folder, lang)


def _enclosing_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` upwards whose bpgrade.toml declares a workspace."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file() and _declares_workspace(folder / CONFIG_NAME):
            return folder
    return None


def _declares_workspace(path: Path) -> bool:
    """A bpgrade.toml may hold only a course's [grade] table; that is not a workspace."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True                 # let load() report the problem
    return "[workspace]" in content or "[grade]" not in content


class InitReport(Record):
    workspace: Workspace
    written: list
    kept: list


def init(root: Path, seed: int | None = None, force: bool = False, lang: str = "en",
         learner_lang: str | None = None, scaffold: str | None = None) -> InitReport:
    """Create (or complete) a workspace; existing files are kept unless ``force``.

    ``scaffold``: how much of the lesson the stubs show; default the existing workspace's,
    else faded. An existing workspace file is kept unless ``force``, and so is its scaffold.
    A new workspace inside another one is refused unless ``force``: run there by mistake,
    it would give the learner a second seed and a second set of stubs."""
    from ..steps import stubs

    if scaffold is not None:
        check_scaffold(scaffold, lang)
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UsageError(text(MESSAGES, "not_a_dir", lang, path=root))
    if not force and not (root / CONFIG_NAME).is_file():
        enclosing = _enclosing_root(root.resolve().parent)
        if enclosing is not None:
            raise UsageError(text(MESSAGES, "nested", lang, path=root, enclosing=enclosing,
                                  exercises=enclosing / EXERCISES))
    existing = None
    if (root / CONFIG_NAME).is_file():
        try:
            existing = load(root, lang)
        except UsageError:
            if not force:
                raise
    if seed is None:
        import secrets

        seed = existing.seed if existing else secrets.randbelow(1_000_000)
    if existing is not None and not force:
        scaffold = existing.scaffold        # the kept workspace file decides
    elif scaffold is None:
        scaffold = existing.scaffold if existing else stubs.DEFAULT_SCAFFOLD
    written, kept = [], []
    (root / EXERCISES).mkdir(parents=True, exist_ok=True)
    files = {root / CONFIG_NAME: _config_text(seed, learner_lang, lang, scaffold),
             root / "README.md": _readme_text(seed, learner_lang or lang)}
    for step in registry.STEPS:
        files[root / EXERCISES / step.file_name] = stubs.render(step, scaffold)
    for path, content in files.items():
        if path.exists() and not force:
            kept.append(path)
            continue
        write_atomically(path, content)
        written.append(path)
    final = load(root, lang)
    return InitReport(final, written, kept)


def stub_is_untouched(path: Path, step, scaffold: str | None = None) -> bool:
    from ..steps import stubs

    try:
        return path.read_text(encoding="utf-8") == stubs.render(
            step, scaffold or stubs.DEFAULT_SCAFFOLD)
    except OSError:
        return False


class ResetReport(Record):
    path: Path
    backup: Path | None         # where the learner's old file went (None: there was none)


def reset(folder: Path, step, scaffold: str | None = None) -> ResetReport:
    """Restore the stub of ``step`` in ``folder`` at ``scaffold`` (the workspace's; the caller
    has asked the learner first). The old file, if any, is kept first (:func:`back_up`)."""
    from ..steps import stubs

    path = Path(folder) / step.file_name
    Path(folder).mkdir(parents=True, exist_ok=True)
    backup = back_up(path) if path.is_file() else None
    write_atomically(path, stubs.render(step, scaffold or stubs.DEFAULT_SCAFFOLD))
    return ResetReport(path, backup)


def _backups(path: Path):
    """``step07.py.bak``, ``step07.py.bak2``, ``.bak3``…"""
    number = 1
    while True:
        yield path.with_name(path.name + ".bak" + (str(number) if number > 1 else ""))
        number += 1


def next_backup(path: Path) -> Path:
    """Where :func:`back_up` would keep ``path`` now: the first backup name not taken."""
    return next(backup for backup in _backups(path) if not os.path.lexists(backup))


def back_up(path: Path) -> Path:
    """Keep ``path``'s content beside it, never replacing an earlier backup: ``step07.py.bak``,
    else ``step07.py.bak2``, ``.bak3``… (a learner who resets twice expects both versions to
    survive, and the highest number is the newest). The backup is created exclusively, so a
    file that appeared meanwhile is skipped, not overwritten."""
    content = path.read_bytes()
    for backup in _backups(path):
        try:
            with open(backup, "xb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            return backup
        except FileExistsError:
            continue


class Settings(Record, frozen=True, eq=True):
    folder: Path
    seed: int
    lang: str
    workspace: Workspace | None
    scaffold: str                   # the workspace's, else the default (grader.steps.stubs)


def settings(exercises=None, seed=None, lang=None) -> Settings:
    """What a learner's command works on: an option wins, then the workspace, then defaults.

    Folder: ``--exercises``, else the workspace's ``exercises/``, else ``./exercises``.
    Seed: ``--seed``, else the workspace's, else 0. Language: ``--lang``, else the
    workspace's, else the locale.
    """
    from ..i18n import resolve

    first_lang = resolve(lang)
    start = Path(exercises).resolve().parent if exercises is not None else None
    found = find(start, first_lang)
    chosen_lang = lang or (found.lang if found and found.lang else first_lang)
    if exercises is not None:
        folder = Path(exercises)
    elif found is not None:
        folder = found.exercises
    else:
        folder = Path(EXERCISES)
    chosen_seed = seed if seed is not None else (found.seed if found else 0)
    if found is not None:
        scaffold = found.scaffold
    else:
        from ..steps.stubs import DEFAULT_SCAFFOLD as scaffold
    return Settings(folder, chosen_seed, chosen_lang, found, scaffold)
