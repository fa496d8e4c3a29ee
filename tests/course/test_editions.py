"""Course editions: students never see a solution, instructors see every one,
and the syllabus covers every notebook."""

import json
import re

import nbformat
import pytest

from tests.conftest import screenshot
from toolkit.cli import main
from toolkit.course import load_syllabus
from toolkit.course.editions import answer_names
from toolkit.report.catalog import list_notebooks

SPECS = list_notebooks()


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    for edition in ("student", "instructor"):
        assert main(["build", "--edition", edition, "--lang", "en,zh", "--out", str(out)]) == 0
    return out


def _solutions(spec):
    nb = json.loads(spec.path.read_text(encoding="utf-8"))
    return [
        c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        for c in nb["cells"]
        if "solution" in c.get("metadata", {}).get("tags", [])
    ]


def test_syllabus_lists_every_notebook_in_order():
    syllabus = load_syllabus()
    names = [s.notebook for s in syllabus.sessions]
    # every notebook is taught in exactly one session, and every session teaches a notebook
    assert sorted(names) == sorted(s.name for s in SPECS)
    assert names.index("data_overview") < names.index("rfm") < names.index("eight_r")
    for session in syllabus.sessions:
        for lang in ("en", "zh"):
            assert session.objectives[lang] and session.timing[lang] and session.mistakes[lang]
    assert syllabus.total_minutes == sum(s.minutes for s in syllabus.sessions) > 0


def test_answer_names():
    assert answer_names("answer_1 = df['x'].sum()\nanswer_2, answer_3 = 1, 2\nx += 1") == [
        "answer_1",
        "answer_2",
        "answer_3",
        "x",
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_student_edition_has_no_solution_and_instructor_has_all(editions, spec, lang):
    student = nbformat.read(editions / "student" / lang / spec.path.name, as_version=4)
    instructor = nbformat.read(editions / "instructor" / lang / spec.path.name, as_version=4)
    solutions = _solutions(spec)
    assert solutions, f"{spec.name} has no solutions"
    student_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    student_page = (editions / "student" / lang / f"{spec.path.stem}.html").read_text(encoding="utf-8")
    for solution in solutions:
        # lines that carry the answer: not comments, and not the bare brackets the formatter
        # puts on lines of their own ("print(", ")"), which any check cell has too
        body = [
            ln
            for ln in solution.splitlines()
            if ln.strip()
            and not ln.strip().startswith("#")
            and not re.fullmatch(r"[\w.]*[(\[{]|[)\]}]+,?", ln.strip())
        ]
        for line in body:
            assert line not in student_code, f"{spec.name} ({lang}) student notebook shows: {line}"
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    stubs = [c for c in student.cells if "answer" in c.metadata.get("tags", [])]
    assert len(stubs) == len(solutions)
    assert not re.search(r'class="[^"]*celltag_solution', student_page)
    # instructor: every exercise prompt is followed by its solution
    inst_solutions = [c.source for c in instructor.cells if "solution" in c.metadata.get("tags", [])]
    assert inst_solutions == solutions
    exercises = [
        c for c in instructor.cells if c.cell_type == "markdown" and "exercise" in c.metadata.get("tags", [])
    ]
    assert len(exercises) == len(solutions)
    checks = [c for c in student.cells if "exercise-check" in c.metadata.get("tags", [])]
    assert len(checks) == len(solutions), "students keep the checks"
    # one language only, trainer notes only for instructors
    other = "lang-zh" if lang == "en" else "lang-en"
    assert not any(other in c.metadata.get("tags", []) for c in student.cells + instructor.cells)
    assert any("trainer-note" in c.metadata.get("tags", []) for c in instructor.cells)
    assert not any("trainer-note" in c.metadata.get("tags", []) for c in student.cells)
    assert not any(c.get("outputs") for c in student.cells + instructor.cells if c.cell_type == "code")


def test_index_pages_list_every_session(editions):
    for edition in ("student", "instructor"):
        for lang in ("en", "zh"):
            index = (editions / edition / lang / "index.html").read_text(encoding="utf-8")
            for spec in SPECS:
                assert f'href="{spec.path.stem}.html"' in index
            if lang == "zh":
                assert "课程大纲" in index


def test_edition_pages_render_in_chromium(editions, chromium, tmp_path):
    for edition in ("student", "instructor"):
        for lang in ("en", "zh"):
            page = editions / edition / lang / "01_data_overview.html"
            png = screenshot(chromium, page, tmp_path / f"{edition}-{lang}.png", height=1400)
            assert png.stat().st_size > 20_000
