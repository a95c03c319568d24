from pathlib import Path

import pytest

from grader.steps import registry, stubs

from grader.learner import workspace
from grader.errors import UsageError


def test_init_writes_config_readme_and_every_stub(tmp_path):
    report = workspace.init(tmp_path / "ws", seed=7)
    root = tmp_path / "ws"
    assert report.workspace.seed == 7
    assert (root / workspace.CONFIG_NAME).is_file()
    assert (root / "README.md").is_file()
    for step in registry.STEPS:
        assert (root / "exercises" / step.file_name).read_text(encoding="utf-8") == stubs.render(step)
    assert len(report.written) == len(registry.STEPS) + 2 and report.kept == []


def test_init_never_overwrites_without_force(tmp_path):
    workspace.init(tmp_path, seed=3)
    mine = tmp_path / "exercises" / "step07.py"
    mine.write_text("def step7(net):\n    return 1.0\n", encoding="utf-8")
    again = workspace.init(tmp_path, seed=99)
    assert mine.read_text(encoding="utf-8").endswith("return 1.0\n")
    assert mine in again.kept
    assert again.workspace.seed == 3            # the existing config is kept too
    forced = workspace.init(tmp_path, force=True)
    assert mine in forced.written
    assert workspace.stub_is_untouched(mine, registry.get("step7"))
    assert forced.workspace.seed == 3           # --force keeps the learner's seed


def test_init_without_seed_picks_one_and_keeps_it(tmp_path):
    first = workspace.init(tmp_path).workspace.seed
    assert workspace.init(tmp_path).workspace.seed == first


def test_find_walks_up_from_subfolders(tmp_path):
    workspace.init(tmp_path, seed=11)
    deep = tmp_path / "exercises" / "notes"
    deep.mkdir()
    found = workspace.find(deep)
    assert found is not None and found.seed == 11 and found.root == tmp_path.resolve()
    assert workspace.find(tmp_path.parent / "elsewhere-that-does-not-exist") is None


@pytest.mark.parametrize("content", [
    "[workspace]\nseed = -1\n",
    "[workspace]\nseed = \"abc\"\n",
    "[workspace]\nlang = \"fr\"\nseed = 1\n",
    "not toml at all [[[",
    "[other]\nseed = 1\n",
])
def test_a_broken_config_is_a_clear_usage_error(tmp_path, content):
    (tmp_path / workspace.CONFIG_NAME).write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match="bpgrade init --force"):
        workspace.find(tmp_path)


@pytest.mark.parametrize("content, english, chinese", [
    ("[workspace]\nseed = -1\n", "seed must be a whole number >= 0", "seed 必须是 >= 0 的整数"),
    ("[workspace]\nlang = \"fr\"\nseed = 1\n", "lang must be one of en, zh",
     "lang 只能是 en, zh 之一"),
    ("[other]\nseed = 1\n", "it needs a [workspace] table with seed = N",
     "需要 [workspace] 表及 seed = N"),
])
def test_what_is_wrong_with_a_config_is_said_in_the_chosen_language(tmp_path, content, english,
                                                                     chinese):
    (tmp_path / workspace.CONFIG_NAME).write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        workspace.load(tmp_path, "en")
    assert english in str(caught.value)
    with pytest.raises(UsageError) as caught:
        workspace.load(tmp_path, "zh")
    assert chinese in str(caught.value) and "工作区文件" in str(caught.value)


@pytest.mark.parametrize("lang, comment", [("en", "# bpgrade workspace: your own problem's seed"),
                                           ("zh", "# bpgrade 工作区：你自己题目的种子")])
def test_the_workspace_file_speaks_the_learners_language(tmp_path, lang, comment):
    workspace.init(tmp_path, seed=5, learner_lang=lang)
    written = (tmp_path / workspace.CONFIG_NAME).read_text(encoding="utf-8")
    assert written.startswith(comment) and f'lang = "{lang}"' in written
    assert workspace.load(tmp_path).lang == lang


def test_settings_precedence(tmp_path, monkeypatch):
    workspace.init(tmp_path, seed=5, learner_lang="zh")
    monkeypatch.chdir(tmp_path / "exercises")
    chosen = workspace.settings()
    assert chosen.seed == 5 and chosen.lang == "zh"
    assert chosen.folder.resolve() == (tmp_path / "exercises").resolve()
    explicit = workspace.settings(exercises=tmp_path / "other", seed=8, lang="en")
    assert (explicit.seed, explicit.lang, explicit.folder) == (8, "en", tmp_path / "other")


def test_settings_outside_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    chosen = workspace.settings()
    assert (chosen.folder, chosen.seed, chosen.lang) == (Path("exercises"), 0, "en")


def test_reset_restores_the_stub(tmp_path):
    step = registry.get("step3")
    path = tmp_path / step.file_name
    path.write_text("def step3(net):\n    return 0\n", encoding="utf-8")
    workspace.reset(tmp_path, step)
    assert workspace.stub_is_untouched(path, step)


def test_init_refuses_a_file_where_the_folder_should_be(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError):
        workspace.init(target)


def test_a_course_config_is_not_a_workspace(tmp_path):
    (tmp_path / workspace.CONFIG_NAME).write_text('[grade]\nsecret = "s"\n', encoding="utf-8")
    assert workspace.find(tmp_path) is None
    both = tmp_path / "both"
    both.mkdir()
    (both / workspace.CONFIG_NAME).write_text('[grade]\nsecret = "s"\n[workspace]\nseed = 2\n',
                                              encoding="utf-8")
    assert workspace.find(both).seed == 2
