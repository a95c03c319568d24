"""PrairieLearn: a course folder that puts the lesson's steps in front of students.

    question  what runs inside PrairieLearn: server.py's ``generate(data)``, drawing the
              problem from the variant's seed with bpgrade's own generator
    grading   the external grader's entrypoint: a code question's stepNN.py graded through the
              sandboxed harness, results.json in PrairieLearn's format
    course    ``bpgrade export prairielearn DIR``: infoCourse.json, questions/bpgrade/,
              serverFilesCourse/ (this package and the harness, vendored), an example course
              instance; written whole or not at all

The course needs no install: PrairieLearn puts ``serverFilesCourse`` on ``sys.path`` for
server.py, and the external grader image (prairielearn/grader-python) on ``PYTHONPATH``.
Only numpy is needed from the image, as for ``bpgrade check``.
"""
