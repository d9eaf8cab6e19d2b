"""`verify check` and `verify relations train` through the CLI runner (fakes for the models)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from loopback import LoopbackServer, no_proxies  # noqa: F401 - no_proxies is an autouse fixture

from verify.cli import cli
from verify.types import Relation, RelationLabel

ARTICLE = """date 2023-03-08 The Velmar Port Authority said Monday that the harbour will reopen to cargo ships on Friday.
But union leader Bo Strand said no ship will be unloaded on Friday.

The Velmar arts council said the summer festival will show 120 films.
"""


class StubRelater:
    """Contradiction when exactly one side says 'no'/'not'; support when both mention Friday."""

    def __init__(self, scorer=None, classifier=None, text_mode=None):
        from verify.relate import FakeScorer

        self.scorer = scorer or FakeScorer()
        self.classifier = classifier
        self.text_mode = "content"

    def relate(self, pairs, cosines):
        out = []
        for a, b in pairs:
            neg_a, neg_b = (" no " in f" {s.content} " or " not " in f" {s.content} " for s in (a, b))
            if neg_a != neg_b and "Friday" in a.content and "Friday" in b.content:
                label, p = RelationLabel.CONTRADICTS, 0.9
            elif "Friday" in a.content and "Friday" in b.content:
                label, p = RelationLabel.SUPPORTS, 0.8
            else:
                label, p = RelationLabel.UNRELATED, 0.9
            out.append(Relation(a.id, b.id, label, p, {"cosine": 0.5}, f"{label.value}: stub", False))
        return out


@pytest.fixture
def fakes(monkeypatch, extractor):
    import verify.classify
    import verify.embed
    import verify.extract

    monkeypatch.setattr(verify.classify, "Relater", StubRelater)
    monkeypatch.setattr(verify.classify, "load_classifier", lambda path=None, scorer_name=None: None)
    monkeypatch.setattr(verify.embed, "load_embedder", lambda name=None, batch_size=64: verify.embed.FakeEmbedder())
    monkeypatch.setattr(verify.extract, "Extractor", lambda aliases=None: extractor)
    monkeypatch.setattr("verify.relate.load_scorer", lambda path=None, **kw: verify.relate.FakeScorer())


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "port.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_help_lists_check_and_relations():
    result = CliRunner().invoke(cli, ["--help"])
    assert "check" in result.output and "relations" in result.output
    result = CliRunner().invoke(cli, ["relations", "--help"])
    assert result.exit_code == 0 and "train" in result.output


def test_check_reports_findings_and_exit_code(fakes, article):
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(article), "--no-reports"])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "port.txt: 3 statements (2 contradicted, 1 no-evidence)" in out
    assert "CONTRADICTED" in out and "✗ contradicts 0.90" in out and "contradicts: stub" in out
    assert out.rstrip().endswith("3 statements in 1 document: contradicted 2, no-evidence 1")
    assert "summer festival" not in out  # no-evidence statements are only counted
    assert "summer festival" in runner.invoke(cli, ["check", str(article), "--no-reports", "--all"]).stdout


@pytest.mark.parametrize(
    ("fail_on", "code"), [("none", 0), ("supported", 0), ("contradicted", 1), ("disputed,contradicted", 1)]
)
def test_fail_on_decides_the_exit_code(fakes, article, fail_on, code):
    result = CliRunner().invoke(cli, ["check", str(article), "--no-reports", "--fail-on", fail_on])
    assert result.exit_code == code, result.output


def test_min_confidence_removes_weak_evidence(fakes, article):
    result = CliRunner().invoke(cli, ["check", str(article), "--no-reports", "--min-confidence", "0.95"])
    assert result.exit_code == 0 and "3 no-evidence" in result.stdout


def test_usage_and_input_errors_exit_2(fakes, article, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli, ["check", str(article), "--no-reports", "--fail-on", "wrong"])
    assert bad.exit_code == 2 and "unknown verdict 'wrong'" in bad.output
    missing = runner.invoke(cli, ["check", str(article), str(tmp_path / "missing.txt"), "--no-reports"])
    assert missing.exit_code == 2
    assert "missing.txt" in missing.stderr and missing.stderr.count("error:") == 1
    assert "port.txt: 3 statements" in missing.stdout  # the good input was still checked
    store = runner.invoke(cli, ["check", str(article), "--corpus", str(tmp_path / "none.sqlite"), "--no-reports"])
    assert store.exit_code == 2 and "no corpus store" in store.output
    confidence = runner.invoke(cli, ["check", str(article), "--min-confidence", "2"])
    assert confidence.exit_code == 2
    for flag in (["--format", "bogus"], ["--report-url", "javascript:alert(1)"]):
        early = runner.invoke(cli, ["check", str(article), "-o", str(tmp_path / "r"), *flag])
        assert early.exit_code == 2 and early.stderr.count("error:") == 1
        assert "port.txt" not in early.stdout  # told before checking, not after


def test_check_writes_reports(fakes, article, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["check", str(article), "-o", str(out), "--format", "json", "--no-timestamp"])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "port.json").read_text())
    assert report and "report: " in result.stderr


PAIR_LINES = [
    {"label": "contradicts", "story": "s1", "checked": {"content": "the harbour will reopen on Friday", "speaker": "Port"},
     "evidence": {"content": "the harbour will not reopen on Friday", "speaker": "Union"}},
    {"label": "supports", "story": "s2", "checked": {"content": "ships return on Friday", "speaker": "Port"},
     "evidence": {"content": "ships return on Friday morning", "speaker": "Harbour master"}},
    {"label": "unrelated", "story": "s3", "checked": "the festival shows 120 films", "evidence": "the harbour will reopen"},
    {"label": "follows_up", "story": "s4", "checked": {"content": "12 people died", "speaker_id": "ministry", "date": "2023-01-01"},
     "evidence": {"content": "the toll rose to 31", "speaker_id": "ministry", "date": "2023-01-03"}},
]  # fmt: skip


def test_relations_train_writes_a_loadable_model(fakes, tmp_path):
    from verify.classify import RelationClassifier

    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in PAIR_LINES * 6) + "\n")
    target = tmp_path / "model.json"
    result = CliRunner().invoke(
        cli, ["relations", "train", str(data), "--out", str(target), "--no-cv", "--text-mode", "content"]
    )
    assert result.exit_code == 0, result.output
    assert "trained on 24 pairs" in result.output and f"wrote {target}" in result.output
    model = RelationClassifier.load(target)
    assert set(model.classes_) == {"contradicts", "supports", "follows_up", "unrelated"}
    assert model.metadata_["text_mode"] == "content"


def test_relations_train_bad_file_is_one_error_line(fakes, tmp_path):
    data = tmp_path / "pairs.jsonl"
    data.write_text('{"label": "supports", "checked": "a"}\n')
    result = CliRunner().invoke(cli, ["relations", "train", str(data), "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "pairs.jsonl:1" in result.stderr
    missing = CliRunner().invoke(cli, ["relations", "train", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "nope.jsonl" in missing.stderr


def test_each_source_counts_once_unless_each_relation(fakes, tmp_path):
    path = tmp_path / "strand.txt"
    path.write_text(
        "The Velmar Port Authority said Monday that the harbour will reopen to cargo ships on Friday.\n"
        "But union leader Bo Strand said no ship will be unloaded on Friday.\n"
        "Strand said the dockers will be back at work on Friday.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    per_source = runner.invoke(cli, ["check", str(path), "--no-reports", "--fail-on", "none"])
    each = runner.invoke(cli, ["check", str(path), "--no-reports", "--fail-on", "none", "--each-relation"])
    assert per_source.exit_code == 0 and each.exit_code == 0, per_source.output + each.output
    # Bo Strand both contradicts (0.90) and supports (0.80) the Port Authority: one source, one position
    assert "strongest of 2 statements of this source (the others: supports 0.80)" in per_source.stdout

    def verdict_of_authority(output: str) -> str:
        (line,) = [x for x in output.splitlines() if "Velmar Port Authority" in x and x.lstrip()[:1].isalpha()]
        return line.split()[0]

    assert verdict_of_authority(per_source.stdout) == "CONTRADICTED"
    assert verdict_of_authority(each.stdout) == "DISPUTED"


@pytest.mark.network
def test_check_fetches_urls_and_names_the_unreachable_one(fakes, tmp_path):
    html = "<html><head><title>Port</title></head><body><article>"
    html += "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines() if line.strip()) + "</article></body></html>"
    env = {"VERIFY_HTTP_CACHE": str(tmp_path / "http-cache"), "VERIFY_HTTP_RETRIES": "1", "VERIFY_HTTP_TIMEOUT": "5"}
    with LoopbackServer() as site:
        site.routes["/robots.txt"] = lambda h: h.send_body(200, b"", "text/plain")
        site.routes["/port"] = lambda h: h.send_body(200, html.encode(), "text/html; charset=utf-8")
        site.routes["/gone"] = lambda h: h.send_body(404, b"not here", "text/plain")
        result = CliRunner().invoke(cli, ["check", site.url("/port"), site.url("/gone"), "--no-reports"], env=env)
    assert result.exit_code == 2, result.output  # an input failed; the good page was still checked
    assert result.stderr.count("error:") == 1 and site.url("/gone") in result.stderr
    assert "CONTRADICTED" in result.stdout and "3 statements in 1 document" in result.stdout


def test_encoding_warning_is_given_once_though_reports_read_the_file_again(fakes, tmp_path):
    path = tmp_path / "port-cp1252.txt"
    path.write_bytes(ARTICLE.replace("harbour", "harbour café").encode("cp1252"))
    result = CliRunner().invoke(cli, ["check", str(path), "-o", str(tmp_path / "reports"), "--format", "all"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("not valid UTF-8") == 1
    assert len(list((tmp_path / "reports").iterdir())) >= 5  # every report read the original again


def test_github_annotations_without_report_files(fakes, article, tmp_path):
    result = CliRunner().invoke(cli, ["check", str(article), "--no-reports"], env={"GITHUB_ACTIONS": "true"})
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert result.exit_code == 1 and len(annotations) == 2  # the two contradicted statements
    assert all(line.startswith("::error file=") for line in annotations)
    quiet = CliRunner().invoke(cli, ["check", str(article), "--no-reports"], env={"GITHUB_ACTIONS": "false"})
    assert not any(line.startswith("::") for line in quiet.stdout.splitlines())
