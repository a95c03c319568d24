"""What runs where a learner's code runs: load ``stepN(net)``, hand it ``net``, send back numbers.

This package imports only the standard library and numpy, never ``grader``: in classroom
grading it is all of bpgrade that a student's process holds (``runner`` is started with
exec, not forked from the grading job), and ``jail`` gives each student a sandbox of their
own. ``grader`` uses the same modules for a learner's local ``bpgrade check``.

    wire      length-prefixed frames, every read and write with a deadline
    messages  the message lookup shared with grader.i18n
    net       the read-only ``net`` a step receives
    answers   a returned object -> plain JSON numbers (never trusting its class)
    child     load the learner's file, run the trials, contain what it prints
    typeset   the lesson's −, ×, · pasted into a file: where, and what to type instead
    jail      namespaces, private scratch space, a uid per student (Linux)
    runner    the process that forks one sandboxed child per student
"""
