"""GitHub Classroom: a workflow for its autograding actions, one test per registry step.

The workflow installs bpgrade, runs ``bpgrade gradescope`` on the student's repository into
:data:`RESULTS_FILE`, and has one command-grader test per step read its status from there.
"""

from __future__ import annotations

from .. import classroom
from ..steps import registry

RESULTS_FILE = "bpgrade-results.json"

WORKFLOW_HEAD = """# GitHub Classroom autograding for bpgrade, one test per step.
# Written by `bpgrade export github-classroom`; put it at .github/workflows/classroom.yml in
# the assignment's template repository and add the course secret as the repository or
# organisation secret {variable}. --trust-submissions: the runner is a disposable VM that may
# not create namespaces; student code still runs in a fresh process under its own uid.
name: Autograding Tests
on: [push, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install bpgrade
        run: python -m pip install {package}
      - name: Grade every step
        env:
          {variable}: ${{{{ secrets.{variable} }}}}
        run: >-
          bpgrade gradescope --trust-submissions --submission {folder} --results {results}
          --student "${{{{ github.actor }}}}" --lang {lang}
"""

WORKFLOW_STEP = """      - name: {id}
        id: {id}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: "{id}"
          command: >-
            python -c "import json, sys; tests = json.load(open('{results}'))['tests'];
            sys.exit(0 if tests[{index}]['status'] == 'passed' else 1)"
          timeout: 1
          max-score: {points}
"""

WORKFLOW_TAIL = """      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""


def github_classroom_workflow(package: str = "bpgrade", folder: str = "exercises",
                              lang: str = "en") -> str:
    """The workflow file, one command-grader test per step of the registry."""
    steps = list(registry.STEPS)
    parts = [WORKFLOW_HEAD.format(package=package, folder=folder, results=RESULTS_FILE,
                                  lang=lang, variable=classroom.SECRET_VARIABLE)]
    parts += [WORKFLOW_STEP.format(id=step.id, index=i, points=step.points, results=RESULTS_FILE)
              for i, step in enumerate(steps)]
    env = "\n".join(f"          {step.id.upper()}_RESULTS: "
                    f"\"${{{{steps.{step.id}.outputs.result}}}}\"" for step in steps)
    parts.append(WORKFLOW_TAIL.format(env=env, runners=",".join(step.id for step in steps)))
    return "".join(parts)
