"""PDF rendering loads only the application's own static files: no request to a server (not
even the loopback), no file outside the static folders, no image over the pixel limit; and
nothing typed in a case can break out of the CSS string of a page footer."""

import base64
import io
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import tinycss2
from PIL import Image
from pypdf import PdfReader

from core import pdf as core_pdf
from core.pdf import css_string, html_to_pdf

from ..project import PACKAGES, ROOT


def png(width: int = 4, height: int = 4, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_no_weasyprint_rendering_outside_core_pdf():
    """Every PDF goes through core.pdf (its fetcher): no other module imports WeasyPrint."""
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "core" / "pdf.py":
                continue
            if re.search(r"^\s*(from|import) weasyprint", path.read_text(), re.MULTILINE):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.fixture
def http_server():
    """A server on the loopback that counts the requests it is sent."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = png() if self.path.endswith(".png") else b"p { color: red }"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_rendering_sends_no_request_to_a_server(http_server):
    base, hits = http_server
    pdf = html_to_pdf(
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<style>@import url("{base}/imported.css");</style>'
        f'<p>Dossier</p><img src="{base}/logo.png">'
    )
    assert pdf.startswith(b"%PDF-")
    assert hits == []
    assert image_count(pdf) == 0


def test_rendering_reads_no_file_outside_the_static_folders(tmp_path, settings):
    secret = tmp_path / "private" / "photo.png"
    secret.parent.mkdir()
    secret.write_bytes(png())
    static = tmp_path / "static"
    static.mkdir()
    (static / "logo.png").write_bytes(png())
    settings.STATICFILES_DIRS = [static]

    assert image_count(html_to_pdf(f'<img src="{secret.as_uri()}">')) == 0
    escape = (static / ".." / "private" / "photo.png").as_posix()
    assert image_count(html_to_pdf(f'<img src="file://{escape}">')) == 0
    # the application's own static files still print (relative to the static folder too)
    assert image_count(html_to_pdf(f'<img src="{(static / "logo.png").as_uri()}">')) == 1
    assert image_count(html_to_pdf('<img src="logo.png">')) == 1
    with pytest.raises(core_pdf.ResourceRefused):
        core_pdf.fetch_resource("file:///etc/passwd")


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded():
    huge = png(8000, 8000, mode="1")  # a few kilobytes, 64 million pixels
    assert len(huge) < 100_000
    url = "data:image/png;base64," + base64.b64encode(huge).decode()
    started = time.monotonic()
    pdf = html_to_pdf(f'<p>Annexe</p><img src="{url}">')
    assert time.monotonic() - started < 3
    assert image_count(pdf) == 0
    small = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert image_count(html_to_pdf(f'<img src="{small}">')) == 1
    with pytest.raises(core_pdf.ResourceRefused):
        core_pdf.fetch_resource(url)


@pytest.mark.parametrize(
    "text",
    [
        'NAM-2024-001\r}@page{@bottom-left{content:url("http://127.0.0.1/")}}',
        "R.G. 24/1\n\x0c\x0b\x00B",
        'a "quoted" \\ back</style><img src=x>',
        "Dupont\u202eredaoc\u2028fin",
    ],
)
def test_css_string_cannot_be_escaped(text):
    css = f'@bottom-left {{ content: "{css_string(text)}"; }}'
    rule = tinycss2.parse_stylesheet(css)[0]
    declarations = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
    (declaration,) = [d for d in declarations if d.type == "declaration"]
    tokens = [t for t in declaration.value if t.type != "whitespace"]
    assert [t.type for t in tokens] == ["string"]
    shown = tokens[0].value
    assert not re.search(r"[\x00-\x1f\x7f\u202a-\u202e\u2028\u2029\u2066-\u2069]", shown)
    assert "</style" not in css_string(text).lower() and "\r" not in css_string(text)
    printable = "".join(c for c in text if c.isalnum())
    assert "".join(c for c in shown if c.isalnum()) == printable
