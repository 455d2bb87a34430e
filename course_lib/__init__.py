"""Helpers shared by every notebook of the PyTorch course.

Import the module you need by name, so a learner sees where a helper lives::

    from course_lib import data, train
    from course_lib.device import get_device
"""

__version__ = "0.1.0"
