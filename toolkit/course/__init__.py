"""The course edition: syllabus, and student / instructor builds of the notebooks."""

from toolkit.course.editions import EDITIONS, build_edition, edition_notebook
from toolkit.course.syllabus import Syllabus, load_syllabus

__all__ = ["EDITIONS", "Syllabus", "build_edition", "edition_notebook", "load_syllabus"]
