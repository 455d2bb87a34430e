"""Grade learner notebooks: rebuild from the trusted source, execute with nbval, score.

The pipeline, one module a step:

1. :mod:`~course_lib.grading.submission` - read the learner's file (never written) and
   find the trusted exercise notebook it belongs to;
2. :mod:`~course_lib.grading.splice` - copy only the learner's answer cells into a
   fresh copy of the trusted notebook;
3. :mod:`~course_lib.grading.execute` - run it with ``pytest --nbval-lax`` in a fresh
   kernel; :mod:`~course_lib.grading.nbval_results` records each cell's outcome;
4. :mod:`~course_lib.grading.score` - turn cell outcomes into a score per exercise;
5. :mod:`~course_lib.grading.report` - print the table, write JSON.
"""

from course_lib.grading.grade import grade_submission
from course_lib.grading.score import ExerciseResult, GradeReport

__all__ = ["ExerciseResult", "GradeReport", "grade_submission"]
