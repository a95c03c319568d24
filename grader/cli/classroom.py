"""The course's commands: grade a class, grade on Gradescope, export autograders."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import i18n
from .common import LANG_OPTION, SECRET_FILE_OPTION, main, run

MESSAGES = {
    "wrote": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "summary_to": {"en": "gradebook: {path}", "zh": "成绩表：{path}"},
}

TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0,
                              show_default=True, help="Seconds one step may run.")
TRUST_OPTION = click.option("--trust-submissions", is_flag=True,
                            help="Grade even where the machine lacks some isolation (it "
                                 "says which): for disposable containers that cannot create "
                                 "namespaces. Student code still runs in a fresh process "
                                 "under its own uid.")


@main.command()
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV gradebook: student, step0 … stepN, total, max.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write every step's status, message and diagnosis.")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one Markdown feedback file per student into this folder.")
@click.option("--canvas", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a CSV for Canvas' gradebook import.")
@click.option("--canvas-column", default="bpgrade", show_default=True,
              help="The Canvas assignment column name.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Students graded at once (default: the number of CPUs).")
@TIMEOUT_OPTION
@click.option("--memory", type=click.IntRange(min=16), default=2048, show_default=True,
              help="Megabytes of memory a student's code may allocate.")
@SECRET_FILE_OPTION
@TRUST_OPTION
@click.option("--resume", is_flag=True, help="Keep the students an interrupted run finished.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@LANG_OPTION
def grade(submissions, out, json_path, feedback, canvas, canvas_column, jobs, timeout, memory,
          secret_file, trust_submissions, resume, quiet, lang):
    """Grade a class: SUBMISSIONS/<student id>/stepNN.py, one folder per student.

    批改全班作业：每个学生一个文件夹（文件夹名即学号）。
    """
    from .. import classroom, sandbox

    lang = i18n.resolve(lang)
    secret = run(classroom.course_secret, secret_file, submissions, lang)
    students = run(classroom.students_in, submissions, lang)
    isolation = run(sandbox.choose, trust_submissions, lang)
    limits = sandbox.Limits(memory=memory << 20)
    options = dict(secret=secret, json_path=json_path, feedback=feedback, canvas=canvas,
                   canvas_column=canvas_column, jobs=jobs, timeout=timeout, resume=resume,
                   lang=lang, limits=limits, isolation=isolation)
    if quiet:
        run(classroom.grade, submissions, out, **options)
        return
    click.echo(isolation.describe(lang), err=True)
    label = i18n.text(classroom.MESSAGES, "progress_label", lang)
    with click.progressbar(length=len(students), label=label, file=sys.stderr) as bar:
        summary = run(classroom.grade, submissions, out, on_student=lambda record: bar.update(1),
                      **options)
    click.echo(summary.render(lang))
    click.echo(i18n.text(MESSAGES, "summary_to", lang, path=out))


@main.command()
@click.option("--submission", type=click.Path(path_type=Path), default=Path("/autograder/submission"),
              show_default=True, help="The student's files.")
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("/autograder/results/results.json"), show_default=True)
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("/autograder/submission_metadata.json"), show_default=True,
              help="Gradescope's submission metadata (the student's id comes from it).")
@click.option("--student", default=None, help="The student's id (default: from --metadata).")
@SECRET_FILE_OPTION
@TRUST_OPTION
@TIMEOUT_OPTION
@click.option("--visibility", type=click.Choice(["hidden", "after_due_date", "after_published",
                                                 "visible"]), default="visible",
              show_default=True, help="When students see the tests.")
@LANG_OPTION
def gradescope(submission, results, metadata, student, secret_file, trust_submissions, timeout,
               visibility, lang):
    """Grade one submission inside Gradescope's container and write results.json.

    在 Gradescope 容器中批改一份提交并写出 results.json。
    """
    from ..platforms import gradescope as platform
    from .. import sandbox

    lang = i18n.resolve(lang)
    isolation = run(sandbox.choose, trust_submissions, lang)
    click.echo(isolation.describe(lang))
    data = run(platform.run, submission, results, metadata, student, secret_file=secret_file,
               lang=lang, timeout=timeout, visibility=visibility, isolation=isolation)
    click.echo(i18n.text(platform.MESSAGES, "total", lang, score=data["score"],
                         max=sum(t["max_score"] for t in data["tests"])))


@main.group()
def export():
    """Write the files an autograding platform needs. / 生成自动评分平台所需的文件。"""


@export.command("gradescope")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("autograder.zip"), show_default=True)
@SECRET_FILE_OPTION
@TIMEOUT_OPTION
@LANG_OPTION
def export_gradescope(output, secret_file, timeout, lang):
    """The Gradescope autograder zip: setup.sh, run_autograder and the grader.

    生成 Gradescope 自动评分压缩包。
    """
    from .. import classroom
    from ..platforms import gradescope as platform
    from ..atomic_write import write_atomically

    lang = i18n.resolve(lang)
    secret = run(classroom.course_secret, secret_file, Path.cwd() / "submissions", lang)
    data = run(platform.autograder_zip, secret, lang, timeout)
    run(write_atomically, output, data)
    click.echo(i18n.text(MESSAGES, "wrote", lang, path=output))


@export.command("github-classroom")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path(".github/workflows/classroom.yml"), show_default=True)
@click.option("--package", default="bpgrade", show_default=True,
              help="What pip installs in the workflow (a name, URL or git+https://...).")
@click.option("--folder", default="exercises", show_default=True,
              help="The folder of stepNN.py files in the student's repository.")
@LANG_OPTION
def export_github_classroom(output, package, folder, lang):
    """A GitHub Classroom workflow: one autograding test per step.

    生成 GitHub Classroom 工作流：每一步一个自动评分测试。
    """
    from ..platforms import github
    from ..atomic_write import write_atomically

    lang = i18n.resolve(lang)
    text = run(github.github_classroom_workflow, package, folder, lang)
    run(output.parent.mkdir, parents=True, exist_ok=True)
    run(write_atomically, output, text)
    click.echo(i18n.text(MESSAGES, "wrote", lang, path=output))
