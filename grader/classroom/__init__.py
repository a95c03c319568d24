"""Grade a whole class: one folder per student, each graded on their own visible problem.

    secret     the course secret: from a private file or the environment, never argv
    folders    the students' folders, and the folders grading writes into
    student    one student: their problems, their steps in a safe order, the record
    feedback   a student's feedback file, which no student text can forge
    gradebook  progress kept per student (resumable); the CSV, JSON and Canvas gradebooks
    summary    the class summary
    jobs       the whole class: jobs in parallel, each with a runner of its own

``SUBMISSIONS/<student id>/stepNN.py``. Each student's visible problem comes from
``student_seed(secret, id)``; the further ones, the same for every student of a run, from
:func:`grader.engine.seeds.graded_seeds`, drawn once a run before the jobs start.
Student code runs through :class:`grader.sandbox.RunnerClient`; all comparing happens in
the job (:func:`grader.checking.check.judge`).
"""

from . import feedback as _feedback, folders as _folders, gradebook as _gradebook
from . import secret as _secret, student as _student, summary as _summary
from .feedback import _fence, feedback_markdown, markdown_text  # noqa: F401
from .folders import check_output_folder, feedback_name, students_in  # noqa: F401
from .gradebook import (_header, gradebook_csv, gradebook_json, progress_path,  # noqa: F401
                        _text_json)
from .jobs import grade  # noqa: F401
from .secret import (SECRET_VARIABLE, check_private, course_secret,  # noqa: F401
                     secret_from_file)
from .student import (batches, further_problems, grade_student,  # noqa: F401
                      graded_problems, grading_order, new_run, record_for)
from .summary import Summary  # noqa: F401

MESSAGES = {**_secret.MESSAGES, **_folders.MESSAGES, **_student.MESSAGES, **_feedback.MESSAGES,
            **_gradebook.MESSAGES, **_summary.MESSAGES}
