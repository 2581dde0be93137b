"""Reading a generated PDF back as text (poppler's pdftotext; the test is skipped where it is
not installed: the HTML the PDF is printed from is tested on its own)."""

import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def drawn(content: bytes) -> list[tuple]:
    """Each page's size and what is drawn on it (its content stream), in order."""
    reader = PdfReader(io.BytesIO(content))
    pages = []
    for page in reader.pages:
        contents = page.get_contents()
        pages.append((tuple(page.mediabox), contents.get_data() if contents is not None else b""))
    assert all(data for _size, data in pages)
    return pages


def _minimal_pdf() -> bytes:
    """A real one-page PDF (what an upload must parse as), made by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, kind)
    return buffer.getvalue()


MINIMAL_PDF = _minimal_pdf()
TINY_PNG = _image("PNG")
TINY_JPEG = _image("JPEG")
