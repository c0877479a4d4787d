"""The review page: self-contained, escaped, and working in a real (headless) browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from importlib import metadata, resources
from pathlib import Path

import pytest
from evalkit import TEXTS, Bench, Record, gold, predictions, project

from extractor.evaluation.review_html import render_review_html
from extractor.evaluation.run import Evaluation

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _evaluation(tmp_path: Path) -> tuple[Evaluation, int]:
    """A run with a magnitude error, a missing record, an ungrounded and a hostile name.

    Returns the evaluation and the number of records whose evidence should be highlighted.
    """
    preds: list[Record] = predictions(gold())
    a, b = preds
    a["projects"][0]["investment"]["amount"] = 1.5e6  # magnitude
    b["indicators"].pop()  # missing
    hostile = project("doc_a", "<img src=x onerror=alert(1)> plant", "Junjia also set up")
    a["projects"].append(hostile)  # spurious, grounded, with markup in its name
    a["projects"].append(
        {**project("doc_a", "invented", "Junjia"), "evidence": [], "ungrounded": True}
    )
    evaluation = Bench(tmp_path).evaluate(gold(), preds)
    gold_records = sum(len(d[k]) for d in gold() for k in d if isinstance(d[k], list))
    grounded_preds = sum(
        1
        for d in preds
        for k in ("projects", "indicators", "enterprise_roles")
        for r in d[k]
        if r["evidence"]
    )
    return evaluation, gold_records + grounded_preds


def _page(evaluation: Evaluation) -> str:
    return render_review_html(evaluation.report, evaluation.documents, evaluation.errors, TEXTS)


class _Texts(HTMLParser):
    """The text inside each element of the names given, entities decoded."""

    def __init__(self, *names: str) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.open: list[str] = []
        self.found: dict[str, list[str]] = {name: [] for name in names}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.names:
            self.open.append(tag)
            self.found[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for name in self.open:
            self.found[name][-1] += data


def test_the_page_template_ships_in_the_package_and_jinja2_is_a_dependency() -> None:
    template = resources.files("extractor.evaluation").joinpath("templates/review.html.j2")
    assert template.is_file()
    assert "{{" in template.read_text(encoding="utf-8")
    required = [r for r in metadata.requires("extractor") or [] if "extra ==" not in r]
    declared = [re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in required]
    assert "jinja2" in declared


def test_every_value_shown_is_text_wherever_it_lands(tmp_path: Path) -> None:
    root = tmp_path / """a"><b id=x>'&"""
    root.mkdir()
    preds: list[Record] = predictions(gold())
    preds[0]["projects"][0]["location"] = "<i>Qianwan</i> & 'co'"
    evaluation = Bench(root).evaluate(gold(), preds)
    page = _page(evaluation)
    parsed = _Texts("code", "td")
    parsed.feed(page)
    assert "<b id=x>" not in page
    assert "<i>Qianwan</i>" not in page
    assert f"{root}/gold.jsonl" in parsed.found["code"]
    assert f"{root}/pred.jsonl" in parsed.found["code"]
    assert "<i>Qianwan</i> & 'co'" in parsed.found["td"]


def test_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    evaluation, highlighted = _evaluation(tmp_path)
    page = _page(evaluation)
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?[a-z]*:?//""", page)  # no URL at all
    assert "<link" not in page
    assert "<img" not in page  # the hostile name is text, not markup
    assert "&lt;img src=x onerror=alert(1)&gt; plant" in page
    marked: set[str] = set()
    for attrs in re.findall(r"<mark([^>]*)>", page):
        for ids in re.findall(r'data-[gp]="([^"]*)"', attrs):
            marked.update(ids.split())
    assert len(marked) == highlighted
    assert page.count('<tbody class="rec"') == len(
        [p for d in evaluation.documents for p in d.pairs]
    )


_PROBE_HEAD = """<script>
window.__problems = [];
window.addEventListener('error', function (e) { window.__problems.push('error: ' + e.message); });
(function () {
  var original = console.error;
  console.error = function () {
    window.__problems.push('console: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>"""

_PROBE_TAIL = """<script>
(function () {
  var ids = {};
  var marks = document.querySelectorAll('mark');
  for (var i = 0; i < marks.length; i++) {
    ['data-g', 'data-p'].forEach(function (name) {
      (marks[i].getAttribute(name) || '').split(' ').forEach(function (id) {
        if (id) { ids[id] = true; }
      });
    });
  }
  var select = document.getElementById('filter');
  function visible() {
    var rows = document.querySelectorAll('tbody.rec');
    var n = 0;
    for (var j = 0; j < rows.length; j++) {
      if (rows[j].offsetParent !== null) { n += 1; }
    }
    return n;
  }
  var all = visible();
  select.value = 'magnitude';
  select.dispatchEvent(new Event('change'));
  var magnitude = visible();
  select.value = 'any';
  select.dispatchEvent(new Event('change'));
  var withErrors = visible();
  document.querySelector('tbody.rec tr.head').dispatchEvent(new MouseEvent('click'));
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    highlighted: Object.keys(ids).length,
    records: all,
    magnitude: magnitude,
    withErrors: withErrors,
    shown: document.getElementById('shown').textContent,
    focused: document.querySelectorAll('mark.focus').length,
    problems: window.__problems
  });
  document.body.appendChild(out);
})();
</script>"""


@pytest.mark.browser
def test_page_in_headless_chromium(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed ({CHROMIUM}); `make browser` installs it")
    evaluation, highlighted = _evaluation(tmp_path)
    page = _page(evaluation)
    probed = page.replace("<head>", "<head>" + _PROBE_HEAD, 1).replace(
        "</body>", _PROBE_TAIL + "</body>", 1
    )
    path = tmp_path / "review.html"
    path.write_text(probed, encoding="utf-8")
    profile = tmp_path / "profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        path.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found is not None, done.stdout[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["problems"] == []
    console = [
        line
        for line in done.stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line
    ]
    assert console == []  # no script error, no blocked fetch
    records = sum(len(d.pairs) for d in evaluation.documents)
    assert probe["highlighted"] == highlighted
    assert probe["records"] == records
    assert probe["magnitude"] == 1
    assert probe["withErrors"] == len(
        {(e.doc_id, e.gold_label, e.pred_label) for e in evaluation.errors}
    )
    assert probe["shown"] == str(probe["withErrors"])
    assert probe["focused"] > 0
