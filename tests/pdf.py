"""Reading a generated PDF back as text (poppler's pdftotext; the test is skipped where it is
not installed: the HTML the PDF is printed from is tested on its own)."""

import shutil
import subprocess

import pytest


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
