"""The teacher's and learner's practice sheets: bpgrade sheet."""

from __future__ import annotations

from pathlib import Path

import click

from .. import i18n
from ..errors import UsageError
from .common import LANG_OPTION, LESSON_LOSS_OPTION, SECRET_FILE_OPTION, lesson_loss, main

MESSAGES = {
    "seed_or_roster": {"en": "give --seed N for one sheet or --roster FILE --out DIR for a class, "
                             "not both",
                       "zh": "单张练习卷用 --seed N，全班用 --roster FILE --out DIR，二者不能同时使用"},
    "roster_needs_out": {"en": "--roster needs --out DIR (the folder for the sheets)",
                         "zh": "--roster 需要 --out DIR（存放练习卷的文件夹）"},
    "out_needs_roster": {"en": "--out is for --roster; for one sheet use -o FILE",
                         "zh": "--out 用于 --roster；单张练习卷请用 -o FILE"},
    "id_column_needs_roster": {"en": "--id-column names a column of --roster FILE",
                               "zh": "--id-column 指定的是 --roster FILE 中的列"},
    "wrote_roster": {"en": "wrote sheets for {students} student(s) to {out} "
                           "(index.csv lists student, seed and files)",
                     "zh": "已为 {students} 名学生写出练习卷到 {out}"
                           "（index.csv 列出学生、种子和文件）"},
    "wrote_sheet": {"en": "wrote {path}", "zh": "已写出 {path}"},
    "not_an_array_step": {"en": "{step} has no sheet of its own: --step takes a step whose "
                                "answers are arrays ({steps}); the sheet without --step has the "
                                "forward pass, the lesson's 14 steps and the update",
                          "zh": "{step} 没有单独的练习卷：--step 只接受答案为数组的步骤（{steps}）；"
                                "不加 --step 的练习卷包含前向传播、课文的 14 步和更新步骤"},
}


@main.command()
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="The problem's seed: the same numbers as bpgrade problem --seed N (default 0). "
                   "/ 题目的种子：与 bpgrade problem --seed N 的数值相同（默认 0）。")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "tex"]), default="html",
              show_default=True,
              help="HTML (interactive unless --static), Markdown or LaTeX. / "
                   "HTML（除非 --static，否则可交互）、Markdown 或 LaTeX。")
@click.option("--answers", is_flag=True,
              help="The answer key: every value to 4 significant digits (with --roster: a key "
                   "file beside each sheet). / 答案卷：每个值保留 4 位有效数字"
                   "（与 --roster 同用时，每份练习卷旁各有一份答案）。")
@click.option("--static", is_flag=True,
              help="HTML without answer boxes or embedded answers, for printing. / "
                   "不含答题框和内嵌答案的 HTML，用于打印。")
@click.option("--scaffold", default=None, metavar="full|faded|none",
              help="How much of the lesson the sheet shows, as the stubs do: full (every "
                   "formula), faded (formulas first, then the chain rule's factors in words, then "
                   "the goal only) or none (the goal only); the key always works every answer "
                   "out. Default: the workspace's (bpgrade.toml), else faded. / "
                   "练习卷显示课文内容的多少，与练习文件相同：full（每步都给公式）、"
                   "faded（先给公式，再用文字说出链式法则的各因子，最后只说目标）或 none"
                   "（只说目标）；答案卷总会写出每一步的算式。默认：工作区的设置"
                   "（bpgrade.toml），否则为 faded。")
@click.option("--step", "step_name", default=None, metavar="STEP",
              help="A sheet of one step whose answers are arrays (step19 …), on the network it "
                   "draws from the seed (bpgrade show STEP --seed N): the arrays given, a blank "
                   "of each answer's shape, the key worked out. / 只做一个答案为数组的步骤"
                   "（step19 …）的练习卷，用该步骤由种子生成的网络（bpgrade show STEP --seed N）："
                   "给出的数组、每个答案形状的空格，以及算出的答案。")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size of the LaTeX document (HTML fits either when printed). / "
                   "LaTeX 文档的纸张大小（HTML 打印时两种都适用）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the sheet to FILE (default: print it). / "
                   "将练习卷写入 FILE（默认：直接输出）。")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV with a header row: one sheet per student. The id column is found by "
                   "its header (student_id, SID, SIS User ID, 学号, email …) or named by "
                   "--id-column. / 带表头的 CSV：每个学生一份练习卷。学号列按表头自动识别"
                   "（student_id、SID、SIS User ID、学号、email …），或用 --id-column 指定。")
@click.option("--id-column", default=None, metavar="NAME",
              help="The roster's column of student ids (default: found by its header). / "
                   "名单中学号所在的列（默认：按表头自动识别）。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the roster's sheets. / 存放花名册各份练习卷的文件夹。")
@LESSON_LOSS_OPTION
@SECRET_FILE_OPTION
@LANG_OPTION
def sheet(seed, fmt, answers, static, scaffold, step_name, paper, output, roster, id_column, out,
          loss, secret_file, lang):
    """A practice sheet for one problem, or one per student of a roster.
    练习卷：单个题目，或按花名册为每个学生各生成一份。

    \b
    bpgrade sheet --seed 3 -o sheet.html            interactive, checks answers offline
    bpgrade sheet --seed 3 --answers --format tex   the answer key as a LaTeX document
    bpgrade sheet --seed 3 --scaffold full --static printable, every step with its formula
    bpgrade sheet --seed 3 --loss binary_cross_entropy   the lesson's network, another loss
    bpgrade sheet --step step19 --seed 3 -o step19.html  one layer in matrix form
    bpgrade sheet --roster class.csv --out sheets --secret-file secret.txt --answers
    """
    from ..learner import workspace
    from ..render import sheets

    lang = i18n.resolve(lang)
    if scaffold is None:              # the workspace's level, as show and the stubs follow it
        scaffold = workspace.settings(lang=lang).scaffold
    workspace.check_scaffold(scaffold, lang)
    step = None
    if step_name is not None:
        from ..steps import registry

        step = registry.get(step_name, lang)
        if not step.sheet_answers:
            raise UsageError(i18n.text(MESSAGES, "not_an_array_step", lang, step=step.id,
                                       steps=i18n.pick(i18n.LIST_SEPARATOR, lang).join(
                                           s.id for s in registry.STEPS if s.sheet_answers)))
    lesson_loss(step, loss, lang)
    if roster is not None:
        if seed is not None:
            raise UsageError(i18n.text(MESSAGES, "seed_or_roster", lang))
        if out is None:
            raise UsageError(i18n.text(MESSAGES, "roster_needs_out", lang))
        from ..classroom import course_secret

        # the same secret classroom grading finds: file, environment, bpgrade.toml; each
        # student's seed is HMAC(secret, student id)
        secret = course_secret(secret_file, roster, lang)
        written = sheets.roster(roster, out, secret, fmt=fmt, lang=lang, answers=answers,
                                static=static, paper=paper, scaffold=scaffold,
                                id_column=id_column, loss=loss, step=step)
        click.echo(i18n.text(MESSAGES, "wrote_roster", lang, students=len(written), out=out),
                   err=True)
        return
    if out is not None:
        raise UsageError(i18n.text(MESSAGES, "out_needs_roster", lang))
    if id_column is not None:
        raise UsageError(i18n.text(MESSAGES, "id_column_needs_roster", lang))
    kind = sheets.kind_for(fmt, answers, static)
    if step is not None:
        model = sheets.arrays.sheet_model(step, seed or 0, fmt, lang, kind, paper=paper,
                                          scaffold=scaffold)
    else:
        model = sheets.sheet_model(seed or 0, fmt, lang, kind, paper=paper, scaffold=scaffold,
                                   loss=loss)
    if output is None:
        click.echo(sheets.render(model), nl=False)
        return
    for path in sheets.write(output, model, lang):     # a Markdown sheet: its drawing too
        click.echo(i18n.text(MESSAGES, "wrote_sheet", lang, path=path), err=True)
