"""The course's commands: grade a class, grade on Gradescope, export autograders, collect work."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import i18n
from ..errors import UsageError
from .common import LANG_OPTION, SECRET_FILE_OPTION, main

MESSAGES = {
    "wrote": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "feedback_folder": {"en": "{n} feedback files in {path}", "zh": "{path} 中的 {n} 份反馈"},
    "roster_needs_canvas": {"en": "--roster and --id-column shape the Canvas CSV: add --canvas FILE",
                            "zh": "--roster 和 --id-column 用于生成 Canvas CSV：请加上 --canvas FILE"},
}

TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0,
                              show_default=True,
                              help="Seconds one step may run. / 一步最多运行的秒数。")
TRUST_OPTION = click.option("--trust-submissions", is_flag=True,
                            help="Grade even where the machine lacks some isolation (it "
                                 "says which): for disposable containers that cannot create "
                                 "namespaces. Student code still runs in a fresh process "
                                 "under its own uid. / 即使机器缺少部分隔离（会说明缺哪些）也批改："
                                 "用于无法创建命名空间的一次性容器。学生代码仍在新进程中以其专属 "
                                 "uid 运行。")


@main.command()
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV gradebook: student, step0 … stepN, total, max. / "
                   "CSV 成绩表：student、step0 … stepN、total、max。")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Also write every step's status, message and diagnosis. / "
                   "另写出每一步的状态、消息和诊断。")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one Markdown feedback file per student into this folder. / "
                   "在此文件夹中为每个学生写一份 Markdown 反馈。")
@click.option("--canvas", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a CSV for Canvas' gradebook import. / "
                   "另写出一份可导入 Canvas 成绩册的 CSV。")
@click.option("--canvas-column", default="bpgrade", show_default=True,
              help="The Canvas assignment column name. / Canvas 中作业列的名称。")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --canvas: the course's roster (a Canvas export as it is); the Canvas "
                   "CSV gets one row per student on it. / 与 --canvas 一起用：课程名单（Canvas "
                   "导出的原样即可）；Canvas CSV 中名单上每个学生一行。")
@click.option("--id-column", default=None,
              help="The roster's column of student ids (default: found by its header). / "
                   "名单中的学号列（默认按列名识别）。")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Students graded at once (default: the number of CPUs). / "
                   "同时批改的学生数（默认：CPU 个数）。")
@TIMEOUT_OPTION
@click.option("--memory", type=click.IntRange(min=16), default=2048, show_default=True,
              help="Megabytes of memory a student's code may allocate. / "
                   "学生代码最多可分配的内存（MB）。")
@SECRET_FILE_OPTION
@TRUST_OPTION
@click.option("--resume", is_flag=True,
              help="Keep the students an interrupted run finished. / "
                   "保留中断的那次运行已批改完的学生。")
@click.option("--quiet", is_flag=True,
              help="No progress bar and no summary. / 不显示进度条和汇总。")
@LANG_OPTION
def grade(submissions, out, json_path, feedback, canvas, canvas_column, roster, id_column, jobs,
          timeout, memory, secret_file, trust_submissions, resume, quiet, lang):
    """Grade a class: SUBMISSIONS/<student id>/stepNN.py, one folder per student.

    批改全班作业：每个学生一个文件夹（文件夹名即学号）。
    """
    from .. import classroom, sandbox

    lang = i18n.resolve(lang)
    if (roster is not None or id_column is not None) and canvas is None:
        raise UsageError(i18n.text(MESSAGES, "roster_needs_canvas", lang))
    secret = classroom.course_secret(secret_file, submissions, lang)
    students = classroom.students_in(submissions, lang)
    isolation = sandbox.choose(trust_submissions, lang)
    limits = sandbox.Limits(memory=memory << 20)
    options = dict(secret=secret, json_path=json_path, feedback=feedback, canvas=canvas,
                   canvas_column=canvas_column, jobs=jobs, timeout=timeout, resume=resume,
                   lang=lang, limits=limits, isolation=isolation, roster=roster,
                   id_column=id_column)
    if quiet:
        _warn_roster(classroom.grade(submissions, out, **options), canvas, lang)
        return
    click.echo(isolation.describe(lang), err=True)
    label = i18n.text(classroom.MESSAGES, "progress_label", lang)
    with click.progressbar(length=len(students), label=label, file=sys.stderr) as bar:
        summary = classroom.grade(submissions, out, on_student=lambda record: bar.update(1),
                                  **options)
    click.echo(summary.render(lang))
    _warn_roster(summary, canvas, lang)
    written = [str(path) for path in (out, json_path, canvas) if path is not None]
    if feedback is not None:
        written.append(i18n.text(MESSAGES, "feedback_folder", lang, n=summary.students,
                                 path=feedback))
    click.echo(i18n.text(MESSAGES, "wrote", lang,
                         path=i18n.pick(i18n.LIST_SEPARATOR, lang).join(written)))


def _warn_roster(summary, canvas, lang) -> None:
    from ..classroom.gradebook import roster_warning

    if summary.not_on_roster:
        click.echo(roster_warning(summary.not_on_roster, canvas, lang), err=True)


@main.command()
@click.option("--submission", type=click.Path(path_type=Path), default=Path("/autograder/submission"),
              show_default=True, help="The student's files. / 学生提交的文件。")
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("/autograder/results/results.json"), show_default=True,
              help="Where Gradescope reads the results. / Gradescope 读取结果的位置。")
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("/autograder/submission_metadata.json"), show_default=True,
              help="Gradescope's submission metadata (the student's id comes from it). / "
                   "Gradescope 的提交元数据（学号取自其中）。")
@click.option("--student", default=None,
              help="The student's id (default: from --metadata). / 学号（默认取自 --metadata）。")
@SECRET_FILE_OPTION
@TRUST_OPTION
@TIMEOUT_OPTION
@click.option("--visibility", type=click.Choice(["hidden", "after_due_date", "after_published",
                                                 "visible"]), default="visible",
              show_default=True, help="When students see the tests. / 学生何时能看到测试。")
@LANG_OPTION
def gradescope(submission, results, metadata, student, secret_file, trust_submissions, timeout,
               visibility, lang):
    """Grade one submission inside Gradescope's container and write results.json.

    在 Gradescope 容器中批改一份提交并写出 results.json。
    """
    from .. import sandbox
    from ..platforms import gradescope
    from ..render.terminal import points

    lang = i18n.resolve(lang)
    isolation = sandbox.choose(trust_submissions, lang)
    click.echo(isolation.describe(lang))
    data = gradescope.run(submission, results, metadata, student, secret_file=secret_file,
                          lang=lang, timeout=timeout, visibility=visibility, isolation=isolation)
    most = sum(t["max_score"] for t in data["tests"])
    click.echo(i18n.text(gradescope.MESSAGES, "total", lang,
                         score=points(data["score"], most), max=most))


@main.group()
def export():
    """Write the files an autograding platform needs. / 生成自动评分平台所需的文件。"""


@export.command("gradescope")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("autograder.zip"), show_default=True,
              help="The zip to write. / 要写出的压缩包。")
@SECRET_FILE_OPTION
@TIMEOUT_OPTION
@LANG_OPTION
def export_gradescope(output, secret_file, timeout, lang):
    """The Gradescope autograder zip: setup.sh, run_autograder and the grader.

    生成 Gradescope 自动评分压缩包。
    """
    from ..atomic_write import write_atomically
    from ..classroom import course_secret
    from ..platforms.gradescope import autograder_zip

    lang = i18n.resolve(lang)
    secret = course_secret(secret_file, Path.cwd() / "submissions", lang)
    write_atomically(output, autograder_zip(secret, lang, timeout))
    click.echo(i18n.text(MESSAGES, "wrote", lang, path=output))


@export.command("github-classroom")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path("bpgrade-classroom"), show_default=True,
              help="The template repository to write (a new or empty folder). / "
                   "要写出的模板仓库（新的或空的文件夹）。")
@click.option("--package", default=None,
              help="Install bpgrade from here (e.g. git+https://...@<commit>) instead of the "
                   "copy the template carries. / 从此处安装 bpgrade（如 git+https://...@<commit>），"
                   "而不用模板自带的副本。")
@click.option("--folder", default="exercises", show_default=True,
              help="The folder of stepNN.py files in the student's repository. / "
                   "学生仓库中存放 stepNN.py 文件的文件夹。")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="The seed of the problem the workflow checks (default: a random one). / "
                   "工作流检查的题目的种子（默认随机）。")
@LANG_OPTION
def export_github_classroom(output, package, folder, seed, lang):
    """A GitHub Classroom template repository: exercises, a workflow, the grader.

    The workflow checks each step on the template's own problem, as feedback, with no course
    secret; grade the collected repositories with bpgrade grade.

    生成 GitHub Classroom 模板仓库：练习、工作流和评分程序。工作流只在模板自己的题目上检查每一步，
    作为反馈，不含课程密钥；请用 bpgrade grade 批改收集来的仓库。
    """
    from ..platforms.github import write_template

    lang = i18n.resolve(lang)
    write_template(output, package, folder, seed, lang=lang)
    click.echo(i18n.text(MESSAGES, "wrote", lang, path=output))


@main.group()
def collect():
    """Gather the students' files from a platform for bpgrade grade. / 从平台收集学生文件，供 bpgrade grade 批改。"""


@collect.command("github-classroom")
@click.argument("clones", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The submissions folder to write: OUT/<github username>/stepNN.py. / "
                   "要写出的提交目录：OUT/<github username>/stepNN.py。")
@click.option("--assignment", default=None,
              help="The assignment's slug (default: from CLONES, named <slug>-submissions). / "
                   "作业的 slug（默认取自 CLONES 的名称 <slug>-submissions）。")
@click.option("--folder", default="exercises", show_default=True,
              help="The folder of stepNN.py files in each repository. / "
                   "每个仓库中存放 stepNN.py 文件的文件夹。")
@LANG_OPTION
def collect_github_classroom(clones, out, assignment, folder, lang):
    """Arrange what gh classroom clone student-repos cloned as SUBMISSIONS/<user>/stepNN.py.

    把 gh classroom clone student-repos 克隆的仓库整理为 SUBMISSIONS/<user>/stepNN.py。
    """
    from ..platforms import github

    lang = i18n.resolve(lang)
    count = github.collect(clones, out, assignment, folder, lang,
                           warn=lambda message: click.echo(message, err=True))
    click.echo(i18n.text(github.MESSAGES, "collected", lang, n=count, path=out))


@export.command("prairielearn")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@TIMEOUT_OPTION
@click.option("--scaffold", default="faded", show_default=True, metavar="full|faded|none",
              help="How much of the lesson the questions and starting files show, as for the "
                   "stubs. / 题目和初始文件显示课文内容的多少，与练习文件相同。")
@LANG_OPTION
def export_prairielearn(folder, timeout, scaffold, lang):
    """A PrairieLearn course in FOLDER: every step as a question (numbers, and code graded
    externally) drawn from the variant's seed, bpgrade vendored under serverFilesCourse/.
    Question text is English unless --lang zh.

    在 FOLDER 中生成 PrairieLearn 课程：每一步一道题（填数值，以及由外部评分器批改的代码），
    题目取自变体的种子，bpgrade 随附于 serverFilesCourse/。除非 --lang zh，题目文字为英文。
    """
    from ..learner.workspace import check_scaffold
    from ..platforms.prairielearn import course

    messages = i18n.resolve(lang)
    check_scaffold(scaffold, messages)
    count = course.export(folder, lang or "en", timeout, scaffold, messages=messages)
    click.echo(i18n.text(course.MESSAGES, "wrote", messages, n=count, path=folder))
