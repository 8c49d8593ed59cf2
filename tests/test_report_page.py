"""report.html from real sittings, checked as a page (structure, embedded images) and rendered by the system's
Chromium (headless) into a screenshot that must be a real render."""

from __future__ import annotations

import base64
import html
import io
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clirun import exam, exam_json, real_data

from tfexam import checklist, questions

pytestmark = real_data
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs the system's Chromium (apt-get install chromium; .ci/run does)")


class Page(HTMLParser):
    """What a reader of the page meets: sections, tables, images, and anything that would reach the network."""

    def __init__(self, text: str):
        super().__init__()
        self.sections, self.tables, self.images, self.external, self.scripts = [], 0, [], [], 0
        self.markers: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        elif tag == "table":
            self.tables += 1
        elif tag == "img":
            self.images.append(attrs)
        elif tag in ("script", "iframe", "object", "embed"):
            self.scripts += 1
        elif tag == "g" and "attempt" in (attrs.get("class") or ""):
            self.markers.append(attrs["class"])
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if value and not value.startswith(("data:", "#")):
                self.external.append(value)


def decode_images(page: Page) -> dict[str, tuple[int, int]]:
    from PIL import Image

    sizes = {}
    for attrs in page.images:
        head, _, data = attrs["src"].partition(",")
        assert head == "data:image/png;base64", head
        with Image.open(io.BytesIO(base64.b64decode(data, validate=True))) as image:
            image.load()  # a truncated PNG fails here, not only at open
            sizes[attrs["data-file"]] = image.size
    return sizes


def screenshot(page: Path, target: Path, height: int = 3000, width: int = 1200):
    """The page as headless Chromium draws it; returns the PIL image."""
    from PIL import Image

    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--screenshot={target}", f"--window-size={width},{height}", page.as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and target.is_file(), done.stderr[-2000:]
    return Image.open(target).convert("RGB")


def assert_real_render(image, width: int = 1200):
    """Not blank: several colours in quantity, and dark text on the light page."""
    from PIL import ImageStat

    assert image.size[0] == width
    assert max(ImageStat.Stat(image).stddev) > 20, "the screenshot is (nearly) one colour"
    colours = image.quantize(32).getcolors(64) or []
    assert sum(1 for count, _ in colours if count > 500) >= 6
    dark = sum(1 for pixel in image.convert("L").getdata() if pixel < 80)
    assert dark > 2000, "no text was drawn"


def train_starter(workspace: Path, question_id: str, trained):
    """The session's starter as shipped, trained once per run (the `trained` fixture), as the learner's model."""
    question = questions.get(question_id)
    category = question.category
    assert (workspace / f"Category{category}" / "starter.py").read_bytes() == question.starter_path.read_bytes()
    shutil.copyfile(trained.starter(question.id).model, workspace / f"Category{category}" / "mymodel.h5")


@pytest.fixture(scope="module")
def sitting(tmp_path_factory, trained) -> Path:
    """A real sitting through the command line: a refused submit, the learner's own attempts at Categories 1 and 5,
    the reference shown for Category 1 and submitted, the end, a late submission, then `tfexam report`."""
    workspace = tmp_path_factory.mktemp("report") / "my exam é"
    workspace.mkdir()
    code, _ = exam_json("start", "--workspace", str(workspace), "--categories", "1,5", "--question", "c1_line",
                        "--question", "c5_sunspots")
    assert code == 0
    assert exam("submit", "1", "--workspace", str(workspace)).returncode == 1  # no mymodel.h5 yet: refused
    train_starter(workspace, "c1_line", trained)
    assert exam("submit", "1", "--workspace", str(workspace)).returncode == 0
    train_starter(workspace, "c5_sunspots", trained)
    assert exam("submit", "5", "--workspace", str(workspace)).returncode == 0
    solved = exam("solve", "1", "--workspace", str(workspace))
    assert solved.returncode == 0 and "reference solution for category 1 was shown" in solved.stderr
    assert exam("submit", "1", "--workspace", str(workspace)).returncode == 0
    ended = exam("end", "--yes", "--workspace", str(workspace))
    assert ended.returncode == 0 and f"Report: {workspace / 'report.html'}" in ended.stdout
    assert exam("submit", "1", "--workspace", str(workspace)).returncode == 0  # after the end: late
    return workspace


def test_report_command_rewrites_the_page_with_every_attempt(sitting):
    code, payload = exam_json("report", "--workspace", str(sitting))
    assert code == 0 and payload["report_html"] == str(sitting / "report.html")
    line = payload["report"]["categories"][0]
    assert (line["category"], line["best"], line["attempts"], line["late_attempts"]) == (1, 5, 4, 1)
    assert line["reference_shown"] is True and line["flagged_attempts"] == 2
    assert payload["report"]["reference_shown"] == [1]
    page = Page((sitting / "report.html").read_text(encoding="utf-8"))
    assert page.markers.count("attempt refused") == 1 and page.markers.count("attempt late") == 1
    assert len(page.markers) == 5


def test_page_structure_and_every_image_decodes(sitting):
    exam("report", "--workspace", str(sitting))
    text = (sitting / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert page.sections == ["result", "categories", "practise", "timeline", "category-1", "category-5"]
    assert page.external == [] and page.scripts == 0, "the page must open offline, without scripts"
    assert page.tables >= 5
    sizes = decode_images(page)
    assert set(sizes) == {"forecast.png"} and min(sizes["forecast.png"]) > 300
    assert "FAIL" in text and "reference shown" in text and "after reference shown" in text
    for category in (1, 5):
        for skill in getattr(questions.get(questions.default_for_category(category).id), "skills", ()) or ():
            label = checklist.skill_label(skill)
            assert label in text or html.escape(label) in text
    status = exam("status", "--workspace", str(sitting))
    assert "reference shown" in status.stdout


@needs_chromium
def test_chromium_renders_the_report(sitting, tmp_path):
    exam("report", "--workspace", str(sitting))
    image = screenshot(sitting / "report.html", tmp_path / "report.png")
    assert_real_render(image)
    # the verdict banner is drawn in the FAIL red near the top
    top = image.crop((0, 0, 1200, 400)).getcolors(1200 * 400)
    assert any(count > 200 and colour[0] > 150 and colour[1] < 60 and colour[2] < 60 for count, colour in top)


@pytest.mark.slow
@needs_chromium
def test_category3_report_embeds_the_confusion_matrix_and_the_mistakes(tf, tmp_path):
    """The image categories' PNGs: a weak Category 3 model submitted, then the report. (The starter itself runs
    through the Train configuration in tests/test_pycharm.py; any graded model makes both pictures.)"""
    workspace = tmp_path / "c3"
    workspace.mkdir()
    assert exam_json("start", "--workspace", str(workspace), "--categories", "3",
                     "--question", "c3_horses_or_humans")[0] == 0
    tf.keras.utils.set_random_seed(0)
    weak = tf.keras.Sequential([tf.keras.Input(shape=tuple(questions.get("c3_horses_or_humans").contract.input_shape)),
                                tf.keras.layers.GlobalAveragePooling2D(),
                                tf.keras.layers.Dense(1, activation="sigmoid")])
    weak.save(workspace / "Category3" / "mymodel.h5")
    assert exam("submit", "3", "--workspace", str(workspace)).returncode == 0
    code, payload = exam_json("report", "--workspace", str(workspace))
    assert code == 0
    page = Page(Path(payload["report_html"]).read_text(encoding="utf-8"))
    sizes = decode_images(page)
    assert set(sizes) == {"confusion_matrix.png", "misclassified.png"}
    assert all(min(size) > 200 for size in sizes.values())
    assert_real_render(screenshot(Path(payload["report_html"]), tmp_path / "c3.png", height=2400))
    ledger = [json.loads(line) for line in (workspace / ".tfexam" / "ledger.jsonl").read_text().splitlines()]
    assert [r.get("event") for r in ledger] == [None], "no reference was shown in this sitting"


def tutor_page(tmp_path: Path) -> str:
    from test_report import tutor_sitting

    from exam import report_page

    current, records = tutor_sitting()
    path = tmp_path / "tutor report.html"
    path.write_text(report_page.render(tmp_path, current, records, now=1100.0), encoding="utf-8")
    return path


def test_the_page_reads_like_a_tutor_s(tmp_path):
    """Without TensorFlow, from ledger records: what to practise next across categories, the grader's advice and
    next steps per category, how safe each score is, skills in words, a confusion matrix labelled on both axes."""
    text = tutor_page(tmp_path).read_text(encoding="utf-8")
    page = Page(text)
    assert page.sections == ["result", "categories", "practise", "timeline", "category-1", "category-2", "category-4"]
    practise = text[text.index('id="practise"'):text.index('id="timeline"')]
    assert practise.index("Category 4") < practise.index("Category 2") and "Category 1 &middot;" not in practise
    assert "fix what refused the last submission: input shape is (None, 100)" in practise
    assert "Skills: build sequential models of several layers; multi-class classification" in practise
    assert "How safe: accuracy 0.81, 95% interval 0.802-0.818: 2/5 needs 0.95 (+0.14 to go)" in text
    steps = text[text.index('id="category-2"'):text.index('id="category-4"')]
    assert '<ol class="steps">\n<li>use sparse_categorical_crossentropy</li>\n<li>raise accuracy from 0.81 to 0.95' in steps
    assert ">train_multi_class<" not in text and "<li>multi-class classification</li>" in text
    confusion = steps[steps.index('class="confusion"'):steps.index("</table>", steps.index('class="confusion"'))]
    assert [h for h in ("zero", "one", "two") if confusion.count(f">{h}</th>") == 2] == ["zero", "one", "two"]
    assert confusion.count('class="hit"') == 3 and '<td class="hit">3,779</td>' in confusion
    assert '<div class="scroll"><table class="confusion">' in steps


@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_renders_the_tutor_page_at_phone_and_desktop_widths(tmp_path, width):
    image = screenshot(tutor_page(tmp_path), tmp_path / f"tutor{width}.png", height=5000, width=width)
    assert_real_render(image, width)
    # the diagonal's green is drawn: the confusion matrix is on screen at this width
    assert any(count > 100 and colour == (0xD9, 0xEF, 0xE2) for count, colour in image.getcolors(width * 5000))
