"""What the PDF tests need from the machine: a CJK font (the documents are Chinese) and
``pdftotext`` (poppler-utils) to read a PDF back.

One place decides what happens when either is missing: under CI (the environment variable ``CI``
set to a non-empty value, as CI systems do) the test **fails** — CI installs both, so a missing
one is a broken image, not a reason to pass quietly; on a developer's machine without ``CI`` the
test is skipped with the packages to install.

Use ``@needs_pdf_tools`` on a test (or call :func:`require_pdf_tools` inside one) and
:func:`pdf_text` to read a PDF back.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

INSTALL_HINT = "Debian: apt-get install fonts-noto-cjk poppler-utils"


def under_ci() -> bool:
    return bool(os.environ.get("CI", "").strip())


def missing_pdf_tools() -> list[str]:
    """What this machine lacks for the PDF tests (empty: nothing)."""
    from wuye.base import pdf as pdfkit

    missing = []
    try:
        pdfkit.cjk_font()
    except pdfkit.CJKFontMissing:
        missing.append("a CJK font (fonts-noto-cjk)")
    if shutil.which("pdftotext") is None:
        missing.append("pdftotext (poppler-utils)")
    return missing


def require_pdf_tools() -> None:
    """Fail (under CI) or skip (elsewhere) the running test when a PDF tool is missing."""
    missing = missing_pdf_tools()
    if not missing:
        return
    message = f"missing {' and '.join(missing)} ({INSTALL_HINT})"
    if under_ci():
        pytest.fail(f"CI must install the PDF test tools: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def pdf_tools() -> None:
    """The fixture form of :func:`require_pdf_tools` (``tests/conftest.py`` exposes it)."""
    require_pdf_tools()


# A decorator for a PDF test: runs the check above before the test's own fixtures render PDFs.
needs_pdf_tools = pytest.mark.usefixtures("pdf_tools")
needs_font = needs_pdf_tools  # the name the older test modules use


def pdf_text(content: bytes, *, layout: bool = False, spaces: bool = False) -> str:
    """The PDF's text as pdftotext reads it; without white space unless ``spaces`` (CJK lines may
    be spaced). Checks the tools first, so a test that only calls this is covered too."""
    require_pdf_tools()
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=content, capture_output=True, check=True)
    text = out.stdout.decode()
    return text if spaces else "".join(text.split())
