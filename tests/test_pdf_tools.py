"""The PDF tests' check of the machine: a missing CJK font or pdftotext fails the test under CI
and only skips it on a developer's machine."""

import pytest

from tests import pdf_tools


@pytest.fixture
def font_missing(monkeypatch):
    monkeypatch.setattr(pdf_tools, "missing_pdf_tools", lambda: ["a CJK font (fonts-noto-cjk)"])


def test_under_ci_a_missing_font_fails_the_test(font_missing, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must install"):
        pdf_tools.require_pdf_tools()
    with pytest.raises(pytest.fail.Exception):
        pdf_tools.pdf_text(b"%PDF-1.4")


def test_without_ci_a_missing_font_skips_the_test(font_missing, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="fonts-noto-cjk"):
        pdf_tools.require_pdf_tools()
    monkeypatch.setenv("CI", "")  # set but empty: not CI
    with pytest.raises(pytest.skip.Exception):
        pdf_tools.require_pdf_tools()


def test_with_the_tools_present_nothing_happens(monkeypatch):
    monkeypatch.setattr(pdf_tools, "missing_pdf_tools", lambda: [])
    monkeypatch.setenv("CI", "1")
    pdf_tools.require_pdf_tools()


def test_the_decorator_runs_the_check_as_a_fixture():
    marks = pdf_tools.needs_font.mark
    assert marks.name == "usefixtures" and marks.args == ("pdf_tools",)
