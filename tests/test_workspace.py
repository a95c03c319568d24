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


def test_reset_keeps_the_old_file_and_never_replaces_a_backup(tmp_path):
    step = registry.get("step3")
    path = tmp_path / step.file_name
    versions = [f"def step3(net):\n    return {n}\n" for n in (1, 2, 3)]
    for version, name in zip(versions, ["step03.py.bak", "step03.py.bak2", "step03.py.bak3"]):
        path.write_text(version, encoding="utf-8")
        assert workspace.next_backup(path) == tmp_path / name
        report = workspace.reset(tmp_path, step)
        assert report.backup == tmp_path / name and report.path == path
        assert workspace.stub_is_untouched(path, step)
    for version, name in zip(versions, ["step03.py.bak", "step03.py.bak2", "step03.py.bak3"]):
        assert (tmp_path / name).read_text(encoding="utf-8") == version
    assert len(list(tmp_path.iterdir())) == 4


def test_reset_without_a_file_keeps_no_backup(tmp_path):
    report = workspace.reset(tmp_path, registry.get("step3"))
    assert report.backup is None and [p.name for p in tmp_path.iterdir()] == ["step03.py"]


def test_init_refuses_a_workspace_inside_another(tmp_path):
    workspace.init(tmp_path / "ws", seed=8)
    before = sorted(p for p in (tmp_path / "ws").rglob("*"))
    for inner in (tmp_path / "ws" / "bpgrade-exercises", tmp_path / "ws" / "exercises" / "new"):
        with pytest.raises(UsageError) as refused:
            workspace.init(inner, seed=9)
        message = str(refused.value)
        assert str((tmp_path / "ws").resolve()) in message and "--force" in message
    assert sorted(p for p in (tmp_path / "ws").rglob("*")) == before       # nothing written
    with pytest.raises(UsageError, match="位于工作区"):
        workspace.init(tmp_path / "ws" / "inner", lang="zh")
    forced = workspace.init(tmp_path / "ws" / "inner", seed=9, force=True)
    assert forced.workspace.seed == 9
    assert workspace.init(tmp_path / "ws", seed=1).workspace.seed == 8    # completing: allowed


def test_a_course_folder_is_no_enclosing_workspace(tmp_path):
    (tmp_path / workspace.CONFIG_NAME).write_text('[grade]\nsecret = "s"\n', encoding="utf-8")
    assert workspace.init(tmp_path / "ws", seed=2).workspace.seed == 2


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


# --- the scaffold: kept in bpgrade.toml, followed by the stubs and reset -----------------------

@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
def test_init_keeps_the_scaffold_and_renders_its_stubs(tmp_path, scaffold, monkeypatch):
    report = workspace.init(tmp_path, seed=4, scaffold=scaffold)
    written = (tmp_path / workspace.CONFIG_NAME).read_text(encoding="utf-8")
    assert f'scaffold = "{scaffold}"' in written
    assert report.workspace.scaffold == workspace.load(tmp_path).scaffold == scaffold
    for step in registry.STEPS:
        path = tmp_path / "exercises" / step.file_name
        assert path.read_text(encoding="utf-8") == stubs.render(step, scaffold)
        assert workspace.stub_is_untouched(path, step, scaffold)
    monkeypatch.chdir(tmp_path / "exercises")
    assert workspace.settings().scaffold == scaffold


def test_the_default_scaffold_is_faded(tmp_path, monkeypatch):
    assert workspace.init(tmp_path / "ws", seed=1).workspace.scaffold == "faded"
    step10 = (tmp_path / "ws" / "exercises" / "step10.py").read_text(encoding="utf-8")
    assert registry.get("step10").formula_text not in step10
    monkeypatch.chdir(tmp_path)                 # no workspace: the default
    assert workspace.settings().scaffold == stubs.DEFAULT_SCAFFOLD == "faded"


def test_reset_renders_with_the_workspaces_scaffold(tmp_path):
    workspace.init(tmp_path, seed=2, scaffold="none")
    step = registry.get("step2")
    path = tmp_path / "exercises" / step.file_name
    path.write_text("def step2(net):\n    return 0\n", encoding="utf-8")
    workspace.reset(tmp_path / "exercises", step, workspace.load(tmp_path).scaffold)
    assert path.read_text(encoding="utf-8") == stubs.render(step, "none")
    assert step.formula_text not in path.read_text(encoding="utf-8")


def test_a_workspace_from_before_scaffolding_keeps_its_full_stubs(tmp_path, monkeypatch):
    """No scaffold key: its stubs show every formula, so it stays full and nothing changes."""
    (tmp_path / workspace.CONFIG_NAME).write_text("[workspace]\nseed = 9\n", encoding="utf-8")
    (tmp_path / "exercises").mkdir()
    step = registry.get("step10")
    old = tmp_path / "exercises" / step.file_name
    old.write_text(stubs.render(step, "full"), encoding="utf-8")
    assert workspace.load(tmp_path).scaffold == "full"
    assert workspace.stub_is_untouched(old, step, workspace.load(tmp_path).scaffold)
    again = workspace.init(tmp_path)                # completing it adds full stubs, keeps its file
    assert "scaffold" not in (tmp_path / workspace.CONFIG_NAME).read_text(encoding="utf-8")
    assert again.workspace.scaffold == "full"
    step11 = tmp_path / "exercises" / "step11.py"
    assert step11.read_text(encoding="utf-8") == stubs.render(registry.get("step11"), "full")
    monkeypatch.chdir(tmp_path)
    assert workspace.settings().scaffold == "full"


def test_init_keeps_an_existing_scaffold_unless_forced(tmp_path):
    workspace.init(tmp_path, seed=3, scaffold="none")
    assert workspace.init(tmp_path, scaffold="full").workspace.scaffold == "none"
    assert workspace.init(tmp_path).workspace.scaffold == "none"
    forced = workspace.init(tmp_path, scaffold="full", force=True)
    assert forced.workspace.scaffold == "full" and forced.workspace.seed == 3
    step = registry.get("step12")
    assert (tmp_path / "exercises" / step.file_name).read_text(encoding="utf-8") \
        == stubs.render(step, "full")


@pytest.mark.parametrize("value", ['"half"', '"Faded"', "3", "true", '""'])
def test_a_bad_scaffold_is_said_in_both_languages(tmp_path, value):
    (tmp_path / workspace.CONFIG_NAME).write_text(f"[workspace]\nseed = 1\nscaffold = {value}\n",
                                                  encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        workspace.load(tmp_path, "en")
    assert "scaffold must be one of full, faded, none" in str(caught.value)
    assert "bpgrade init --force" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        workspace.load(tmp_path, "zh")
    assert "scaffold 只能是 full、faded、none 之一" in str(caught.value)
    assert "工作区文件" in str(caught.value)


@pytest.mark.parametrize("lang, words", [("en", "scaffold must be one of full, faded, none"),
                                         ("zh", "scaffold 只能是 full、faded、none 之一")])
def test_init_refuses_a_bad_scaffold(tmp_path, lang, words):
    with pytest.raises(UsageError, match=words):
        workspace.init(tmp_path / "ws", scaffold="some", lang=lang)
    assert not (tmp_path / "ws").exists()
