"""What every PDF of the application shares (WeasyPrint, A4): text made safe for the page's
margin boxes, and the rendering itself. Every PDF is rendered here, through one URL fetcher
that serves only the application's own static files: no http(s), no ``file:`` outside the
static folders, no ``data:`` URL over a size limit, and no image whose pixel count exceeds
``PDF_MAX_IMAGE_PIXELS`` (checked from its header, before WeasyPrint decodes it). A refused
resource is left out of the page (WeasyPrint logs it); the document is still printed.

WeasyPrint is imported only when a PDF is made (it is slow to import)."""

import base64
import binascii
import gc
import hashlib
import io
import logging
import mimetypes
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

DEFAULT_MAX_IMAGE_PIXELS = 16_000_000  # 4000 × 4000: an A4 page at 300 dpi is 8.7 million
DEFAULT_MAX_RESOURCE_BYTES = 5 * 2**20

# Characters written as they are inside a CSS string; anything else is a CSS escape.
_CSS_PLAIN = set(" !#$%()*+,-./:;=?@[]^_`{|}~")


def _unsafe_char(char: str) -> bool:
    """Control characters, line and paragraph separators, bidi overrides and other format
    characters: never shown in a footer."""
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def css_string(text: str) -> SafeString:
    """The content of a CSS double-quoted string (the running footers of the margin boxes, in
    a template's ``<style>``): letters, digits and plain punctuation as they are, every other
    character as a CSS escape (``"`` is ``\\22 ``, ``<`` is ``\\3c ``: nothing can end the
    string or the style element), control characters, line breaks and bidi overrides as a
    space. Marked safe: the template must not HTML-escape it again."""
    out = []
    for char in text:
        if _unsafe_char(char):
            out.append(" ")
        elif char.isalnum() or char in _CSS_PLAIN:
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return mark_safe("".join(out))


class ResourceRefused(ValueError):
    """A URL the PDF may not load (WeasyPrint leaves the resource out)."""


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _static_path(url: str) -> Path:
    """The file of the application's static files a ``file:`` URL names, or refused."""
    path = Path(url2pathname(unquote(urlsplit(url).path)))
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if path.as_posix().startswith(static_prefix):  # "{% static %}" resolved on the base URL
        found = finders.find(path.as_posix()[len(static_prefix) :])
        if found:
            path = Path(found)
    resolved = path.resolve()
    for root in static_roots():
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    raise ResourceRefused(f"not one of the application's static files: {url}")


def _check_image(body: bytes, url: str) -> None:
    """Refuse an image whose header announces more pixels than allowed (nothing decoded)."""
    try:
        with Image.open(io.BytesIO(body)) as image:
            width, height = image.size
    except Exception:  # not a raster image (CSS, font, SVG): nothing to check here
        return
    limit = getattr(settings, "PDF_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
    if width * height > limit:
        raise ResourceRefused(f"image of {width}×{height} pixels is too large: {url[:60]}")


def _data_url(url: str, limit: int) -> tuple[bytes, str]:
    if len(url) > limit * 4 // 3 + 256:
        raise ResourceRefused("data: URL too large")
    header, _comma, payload = url[5:].partition(",")
    try:
        if header.lower().endswith(";base64"):
            body = base64.b64decode(unquote_to_bytes(payload))
        else:
            body = unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as exc:
        raise ResourceRefused("malformed data: URL") from exc
    if len(body) > limit:
        raise ResourceRefused("data: URL too large")
    return body, header.split(";")[0].strip() or "text/plain"


def fetch_resource(url: str) -> tuple[bytes, str, Path | None]:
    """(body, media type, file) of a resource a PDF may load, or :class:`ResourceRefused`:
    the application's static files and ``data:`` URLs, within the size and pixel limits."""
    scheme = urlsplit(url).scheme.lower()
    limit = getattr(settings, "PDF_MAX_RESOURCE_BYTES", DEFAULT_MAX_RESOURCE_BYTES)
    if scheme == "file":
        path = _static_path(url)
        if path.stat().st_size > limit:
            raise ResourceRefused(f"file too large: {url}")
        body, media_type = path.read_bytes(), mimetypes.guess_type(path.name)[0]
    elif scheme == "data":
        (body, media_type), path = _data_url(url, limit), None
    else:
        raise ResourceRefused(f"scheme not allowed in a PDF: {url[:60]}")
    _check_image(body, url)
    return body, media_type or "application/octet-stream", path


def url_fetcher():
    """The one URL fetcher of every WeasyPrint rendering (a ``weasyprint.URLFetcher`` that
    answers from :func:`fetch_resource` and opens nothing else)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body, media_type, path = fetch_resource(url)
            response = URLFetcherResponse(path.as_uri() if path else url, body, {}, 200)
            response.headers.set_type(media_type)
            return response

    return StaticOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


_LEAN_HTML = None


def _lean_html_class():
    """``weasyprint.HTML`` with a leaner user-agent style sheet (issue 15, a cheap layout).

    WeasyPrint's own sheet styles ``::marker`` and six footnote and note pseudo-elements on
    every element (``::marker { … }``, ``::footnote-call { … }``…): each element of a long
    table then gets seven computed styles instead of one, most of the time spent on styles
    for a statement of 50 pages. Our documents have no footnotes and mark only list items:
    the markers are kept for ``li`` and ``summary``, the footnote rules left out. Nothing else
    of the sheet changes (measured: 20 % fewer Python calls for the same pages)."""
    global _LEAN_HTML
    if _LEAN_HTML is None:
        from weasyprint import CSS, HTML
        from weasyprint.css.counters import CounterStyle
        from weasyprint.html import UA

        sheet = UA.replace("::marker {", "li::marker, summary::marker {", 1)
        sheet = re.sub(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", "", sheet, flags=re.M)
        lean = CSS(string=sheet, counter_style=CounterStyle())

        class LeanHTML(HTML):
            def _ua_stylesheets(self, forms=False):
                return [lean]

        _install_line_memo()
        _install_draw_memo()
        _LEAN_HTML = LeanHTML
    return _LEAN_HTML


_FONTS = threading.local()


def font_config():
    """This thread's ``weasyprint.text.fonts.FontConfiguration``, shared by its renderings
    (issue 15). WeasyPrint makes a new one for each document unless given one: a new Fontconfig
    configuration and Pango font map, so every document opened its fonts again, shaped its text
    with empty caches and measured its line heights anew (measured: 5 % of a 9-page statement).
    Our documents load no fonts of their own (no ``@font-face``): the configuration holds the
    system's fonts only, the same for every document. One a thread: a Pango font map is not
    shared between threads."""
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


# -- lines of text split once per document (issue 15: 50 cover letters of the same words) ------

# Every property of a text box's style that WeasyPrint's line splitting reads
# (weasyprint.text.line_break: split_first_line, Layout, first_line_metrics, line_size;
# weasyprint.text.fonts: get_font_description, font_features), WeasyPrint 70.
_LINE_STYLE = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "line_height",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)
_LINE_PARAMETERS = [
    "text",
    "style",
    "context",
    "max_width",
    "justification_spacing",
    "is_line_start",
    "minimum",
]
LINE_MEMO = True  # tests turn it off to compare


def _install_line_memo() -> None:
    """WeasyPrint's ``split_first_line`` remembered per document (issue 15).

    Laying a line out asks Pango for the first line of the rest of a paragraph, several times
    (the line, the next word, each hyphenation point): the same question for each of 50 cover
    letters of one mailing (the same paragraphs, the same width) and for each cell of an
    annex showing the same amounts. The answer depends only on the text, the width, the
    style's text properties (``_LINE_STYLE``) and the document's fonts: it is kept in the
    document's layout context and given again (its Pango layout is "deactivated", a few
    plain values, copied for each box: drawing recreates it from them). The PDF is the same,
    byte for byte (tests/test_pdf_lines.py). Installed only on the WeasyPrint it was written
    for: another signature leaves WeasyPrint as it is."""
    import copy
    import inspect

    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    original = line_break.split_first_line
    if list(inspect.signature(original).parameters) != _LINE_PARAMETERS:
        return
    if inline.split_first_line is not original or preferred.split_first_line is not original:
        return  # already installed (or changed by someone else)

    def split_first_line(
        text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
    ):
        cache = getattr(context, "rcd_lines", None)
        if not LINE_MEMO or cache is None and not hasattr(context, "dictionaries"):
            return original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        if cache is None:
            cache = context.rcd_lines = {}
        key = (
            text,
            repr(tuple(style[name] for name in _LINE_STYLE)),
            id(style.font_config),
            max_width,
            justification_spacing,
            is_line_start,
            minimum,
        )
        found = cache.get(key)
        if found is None:
            found = cache[key] = original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        layout, *metrics = found
        return (copy.copy(layout), *metrics)

    inline.split_first_line = split_first_line
    preferred.split_first_line = split_first_line


# -- lines of text drawn once per PDF written (issue 15: the same 50 cover letters, drawn) -----

DRAW_MEMO = True  # tests turn it off to compare
_DRAWING = threading.local()
# What WeasyPrint's ``draw_first_line`` writes to a page's content stream, recorded to be
# written again: the text matrix (the line's place: given anew each time), the font and size,
# the glyphs and their spacing, a rise.
_DRAWN_OPS = ("matrix", "set_font_size", "show_text", "set_text_rise")


class _Recorder:
    """A page's content stream, as ``draw_first_line`` uses it, that writes to the stream and
    records what is written (``ops``); anything else goes to the stream itself."""

    def __init__(self, stream, ops: list):
        self._stream = stream
        self._ops = ops

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def set_text_matrix(self, *values):
        self._ops.append(("matrix", ()))
        self._stream.set_text_matrix(*values)

    def set_font_size(self, *args):
        self._ops.append(("set_font_size", args))
        self._stream.set_font_size(*args)

    def show_text(self, *args):
        self._ops.append(("show_text", args))
        self._stream.show_text(*args)

    def set_text_rise(self, *args):
        self._ops.append(("set_text_rise", args))
        self._stream.set_text_rise(*args)


def _install_draw_memo() -> None:
    """WeasyPrint's drawing of a line of text remembered while one PDF is written (issue 15).

    Drawing a line asks Pango to shape it again (a new Pango layout, its first line) and
    writes its glyphs one by one, in Python: the same work for the same sentence in each of
    50 cover letters. What it writes to the page depends only on the line's text, its
    justification, the style's text properties (``_LINE_STYLE``), the document's fonts, and its
    place on the page (the text matrix, written first): for a line already drawn in the same
    PDF, the text matrix is written for the new place and the rest as recorded, through the
    stream's own methods (its current font is tracked as when drawn). Lines with a decoration,
    an ellipsis or an emoji are drawn as WeasyPrint draws them. The PDF is the same, byte for
    byte (tests/test_pdf_lines.py). Installed only on the WeasyPrint it was written for."""
    import inspect

    from weasyprint import document as wp_document
    from weasyprint import draw as wp_draw
    from weasyprint.draw import text as wp_text
    from weasyprint.matrix import Matrix

    original_draw = wp_text.draw_text
    original_line = wp_text.draw_first_line
    original_generate = wp_document.generate_pdf
    if (
        list(inspect.signature(original_draw).parameters)
        != ["stream", "textbox", "offset_x", "text_overflow", "block_ellipsis"]
        or list(inspect.signature(original_line).parameters)
        != ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"]
        or wp_draw.draw_text is not original_draw
    ):
        return

    def generate_pdf(*args, **kwargs):
        outer = getattr(_DRAWING, "lines", None)
        _DRAWING.lines = {}  # one PDF: its fonts, the fonts of the recorded glyphs
        try:
            return original_generate(*args, **kwargs)
        finally:
            _DRAWING.lines = outer

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        ops = getattr(_DRAWING, "recording", None)
        if ops is None:
            return original_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        _DRAWING.recording = None
        emojis = original_line(
            _Recorder(stream, ops), textbox, text_overflow, block_ellipsis, matrix
        )
        if emojis:  # drawn after the text, as images: such a line is not remembered
            ops.append(("emojis", ()))
        return emojis

    def draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis="none"):
        lines = getattr(_DRAWING, "lines", None)
        style = textbox.style
        if (
            not DRAW_MEMO
            or lines is None
            or text_overflow == "ellipsis"
            or block_ellipsis != "none"
            or style["text_decoration_line"] != "none"
            or style["visibility"] != "visible"
            or not style["font_size"]
        ):
            return original_draw(stream, textbox, offset_x, text_overflow, block_ellipsis)
        layout = textbox.pango_layout
        key = (
            textbox.text,
            layout.text,
            layout.justification_spacing,
            repr(tuple(style[name] for name in _LINE_STYLE)),
            id(style.font_config),
        )
        ops = lines.get(key)
        if ops is None:
            ops = _DRAWING.recording = []
            try:
                original_draw(stream, textbox, offset_x, text_overflow, block_ellipsis)
            finally:
                _DRAWING.recording = None
            lines[key] = ops if all(op in _DRAWN_OPS for op, _args in ops) else False
            return
        if ops is False:
            original_draw(stream, textbox, offset_x, text_overflow, block_ellipsis)
            return
        x, y = textbox.position_x, textbox.position_y + textbox.baseline
        stream.set_color(style["color"])
        stream.begin_text()
        for op, args in ops:
            if op == "matrix":
                stream.set_text_matrix(*Matrix(d=-1, e=x, f=y).values)
            else:
                getattr(stream, op)(*args)
        stream.end_text()

    wp_text.draw_first_line = draw_first_line
    wp_text.draw_text = draw_text
    wp_draw.draw_text = draw_text
    wp_document.generate_pdf = generate_pdf


def html_document(html: str):
    """A ``weasyprint.HTML`` of ``html`` that can load only what :func:`fetch_resource` allows
    (relative URLs are the application's static files)."""
    roots = static_roots()
    base_url = roots[0].as_uri() + "/" if roots else None
    return _lean_html_class()(string=html, base_url=base_url, url_fetcher=url_fetcher())


# -- progress of a long rendering (issue 15: long PDFs are made in the background) ---------

# ``progress(phase, percent)``: phase "layout" (pages being laid out) or "write" (the file being
# written), percent of the whole rendering, 0 to 100.
Progress = Callable[[str, int], None]

_PAGE = re.compile(r"Creating layout - Page (\d+)")
# Of a rendering's time, about this share is the layout, the rest writing the file.
_LAYOUT_SHARE = 75


class _ProgressHandler(logging.Handler):
    """Reads WeasyPrint's progress log ("Step 5 - Creating layout - Page 12", "Step 6 -
    Creating PDF") of this thread only, and reports it as a percentage."""

    def __init__(self, progress: Progress, pages_expected: int):
        super().__init__(logging.INFO)
        self.progress = progress
        self.pages_expected = max(1, pages_expected)
        self.thread = threading.get_ident()
        self.last = -1

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        found = _PAGE.search(message)
        if found:
            page = int(found.group(1))
            percent = min(_LAYOUT_SHARE - 1, _LAYOUT_SHARE * page // self.pages_expected)
            phase = "layout"
        elif "Creating PDF" in message:
            percent, phase = _LAYOUT_SHARE, "write"
        else:
            return
        if percent > self.last:  # a repagination lays pages out again: never backwards
            self.last = percent
            try:
                self.progress(phase, percent)
            except Exception:  # a progress report never stops the rendering
                logging.getLogger(__name__).exception("PDF progress report failed")


@contextmanager
def reporting(progress: Progress | None, pages_expected: int) -> Iterator[None]:
    """While the block runs, WeasyPrint's progress in this thread goes to ``progress``."""
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    if not logger.isEnabledFor(logging.INFO):
        # Its steps go to the handlers added here only, never to the console (settings.LOGGING
        # says the same).
        logger.propagate = False
        logger.setLevel(logging.INFO)
    handler = _ProgressHandler(progress, pages_expected)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


_GC_LOCK = threading.Lock()
_GC_HOLDERS = 0
_GC_WAS_ENABLED = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while WeasyPrint lays a document out (issue 15).

    A layout allocates hundreds of thousands of boxes that all stay alive until the document
    is written: the collector's passes over them (and over the whole Django heap) find
    nothing to free and cost 10 % of the rendering (measured on a 9-page statement). Reference
    counting still frees what it can; the collector resumes when the last rendering of the
    process ends (counted, for threads)."""
    global _GC_HOLDERS, _GC_WAS_ENABLED
    with _GC_LOCK:
        if _GC_HOLDERS == 0:
            _GC_WAS_ENABLED = gc.isenabled()
        _GC_HOLDERS += 1
        gc.disable()
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_HOLDERS -= 1
            if _GC_HOLDERS == 0 and _GC_WAS_ENABLED:
                gc.enable()


def render_pdf(html: str, *, progress: Progress | None = None, pages_expected: int = 1):
    """The laid-out ``weasyprint.Document`` (to join several documents' pages)."""
    with reporting(progress, pages_expected), collector_paused():
        return html_document(html).render(font_config=font_config())


def write_pdf(document) -> bytes:
    """The PDF of a laid-out ``weasyprint.Document``, the garbage collector paused as for its
    layout (:func:`collector_paused`: drawing the pages allocates as much, and frees nothing
    the collector would find)."""
    with collector_paused():
        return document.write_pdf()


def html_to_pdf(html: str, *, progress: Progress | None = None, pages_expected: int = 1) -> bytes:
    """The PDF of ``html``; ``progress`` (optional) is told how far the rendering is, from
    WeasyPrint's own log, ``pages_expected`` giving the scale of the layout."""
    with reporting(progress, pages_expected), collector_paused():
        return html_document(html).write_pdf(font_config=font_config())


_WARM_UP_HTML = (
    '<p style="font-family: serif">a <b>b</b> <i>c</i></p>'
    '<p style="font-family: sans-serif">a <b>b</b> <i>c</i></p>'
    "<table><tr><td>1</td></tr></table>"
)


def warm_up() -> None:
    """Load once, when a process that makes PDFs starts, what its first PDF would otherwise
    load while the user waits (issue 15: measured 0.4 s of CPU on the first fee statement of a
    process, a quarter of it): WeasyPrint itself (0.3 s: the C declarations of Pango and
    Fontconfig, fontTools), its lean user-agent sheet, this thread's fonts, and a first
    layout of a few words in the serif and sans-serif faces, regular, bold and italic. Called
    by the web process (``mediation/wsgi.py``) and each Celery worker process
    (``core.apps``: ``worker_process_init``) when ``settings.PDF_WARM_UP`` is on; never by tests or
    management commands. Costs about 25 MB of memory a process. The templates of the long
    PDFs (``settings.PDF_WARM_UP_TEMPLATES``) are compiled then too (30 ms for a statement's).
    A failure is logged, never raised: the process starts, its PDFs load what they need."""
    from django.template.loader import get_template

    try:
        html_to_pdf(_WARM_UP_HTML)
        for name in getattr(settings, "PDF_WARM_UP_TEMPLATES", ()):
            get_template(name)
    except Exception:
        logging.getLogger(__name__).exception("PDF warm-up failed")


def warm_up_when_enabled(**_signal) -> None:
    """``warm_up`` if ``settings.PDF_WARM_UP`` is on: run by ``mediation/wsgi.py`` when the web
    process starts, and connected by ``core.apps`` to Celery's ``worker_process_init``."""
    if settings.PDF_WARM_UP:
        warm_up()


def render_pdf_parts(html: str, anchors: list[str]) -> tuple[object, list[list]]:
    """Lay ``html`` out once and cut its pages into parts: part ``i`` starts at the page that
    holds the element whose id is ``anchors[i]`` (each starting a page) and runs to the next
    part. One layout for many short letters costs far less than one layout per letter (issue
    #15: a plan sent to 50 creditors). Returns the ``weasyprint.Document`` and the parts."""
    document = render_pdf(html)
    bounds = page_anchors(document, anchors) + [len(document.pages)]
    return document, [document.pages[bounds[i] : bounds[i + 1]] for i in range(len(anchors))]


def page_anchors(document, anchors: list[str]) -> list[int]:
    """The index of the page of ``document`` that holds each of ``anchors`` (element ids)."""
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            found.setdefault(anchor, index)
    return [found[anchor] for anchor in anchors]


# -- pages laid out once, set into several documents (issue 15: a plan's annex) ----------------


@dataclass(frozen=True)
class Insert:
    """Pages laid out once, to be set into the empty pages ("slots") several documents keep for
    them: ``pdf`` the pages' content without their margin boxes (each document numbers them in
    its own sequence, under its own running footer), ``bookmarks`` each page's bookmarks as
    ``(level, label)``, for the slots to carry (the document's outline)."""

    pdf: bytes
    bookmarks: tuple[tuple[tuple[int, str], ...], ...]

    @property
    def pages(self) -> int:
        return len(self.bookmarks)


_INSERTS: "OrderedDict[str, Insert]" = OrderedDict()
_INSERTS_LOCK = threading.Lock()
KEPT_INSERTS = 8  # a few hundred kilobytes each


def render_insert(html: str) -> Insert:
    """The :class:`Insert` of ``html`` laid out, kept in this process for the next call with
    the same HTML (the last ``KEPT_INSERTS``, keyed by the HTML's SHA-256: the HTML, the
    application's static files and the fonts are all a layout depends on). A long part shared
    by documents made one after the other is then laid out and written once: a plan's annex,
    in the proposal sent to the creditors and in the version filed with the court."""
    from weasyprint.document import Page
    from weasyprint.formatting_structure.boxes import MarginBox

    key = hashlib.sha256(html.encode()).hexdigest()
    with _INSERTS_LOCK:
        if key in _INSERTS:
            _INSERTS.move_to_end(key)
            return _INSERTS[key]
    document = render_pdf(html)
    bare = [
        Page(
            page._page_box.copy_with_children(
                [box for box in page._page_box.children if not isinstance(box, MarginBox)]
            )
        )
        for page in document.pages
    ]
    insert = Insert(
        pdf=write_pdf(document.copy(bare)),
        bookmarks=tuple(
            tuple((level, label) for level, label, _target, _state in page.bookmarks)
            for page in document.pages
        ),
    )
    with _INSERTS_LOCK:
        _INSERTS[key] = insert
        while len(_INSERTS) > KEPT_INSERTS:
            _INSERTS.popitem(last=False)
    return insert


def forget_inserts() -> None:
    """Drop the inserts :func:`render_insert` keeps (tests)."""
    with _INSERTS_LOCK:
        _INSERTS.clear()


def write_with_insert(document, slots: list[str], insert: Insert) -> bytes:
    """The PDF of ``document`` whose pages holding the (empty) elements ``slots[i]`` show page
    ``i`` of ``insert`` beneath their own margin boxes (running footer, "page X / Y").

    The insert's page is drawn as a form XObject, first, then the slot page's own content: as
    when the whole was laid out in one document, the content then the margin boxes. The
    insert's content streams and fonts are copied as they are, nothing is laid out or drawn
    again."""
    indexes = page_anchors(document, slots)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(write_pdf(document))))
    source = PdfReader(io.BytesIO(insert.pdf))
    for index, page in zip(indexes, source.pages, strict=True):
        target = writer.pages[index]
        if (page.mediabox.width, page.mediabox.height) != (
            target.mediabox.width,
            target.mediabox.height,
        ):
            raise ValueError("an inserted page must be of its slot's size")
        contents = page.get_contents()
        form = StreamObject()
        form.set_data(contents.get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): page.mediabox.clone(writer),
                NameObject("/Resources"): page["/Resources"].clone(writer),
            }
        )
        form = form.flate_encode()
        resources = target.setdefault(NameObject("/Resources"), DictionaryObject())
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
        # a name of its own: the pages of a document may share one resource dictionary
        name = NameObject(f"/RcdInsert{index}")
        xobjects[name] = writer._add_object(form)
        own = target.get_contents()
        drawn = DecodedStreamObject()
        own_data = own.get_data() if own is not None else b""
        drawn.set_data(b"q " + name.encode() + b" Do Q\n" + own_data)
        target.replace_contents(drawn.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def join_pages(pages, *, main) -> bytes:
    """One PDF of ``pages`` (of one or more rendered documents), its metadata ``main``'s."""
    return write_pdf(main.copy(list(pages)))


def join_pdf(documents, *, main=None) -> bytes:
    """One PDF of the pages of several rendered documents, in order (its title and metadata
    those of ``main``, by default the first)."""
    documents = list(documents)
    pages = [page for document in documents for page in document.pages]
    return write_pdf((main or documents[0]).copy(pages))


def copies_pdf(covers, parts: list[list], common: bytes) -> bytes:
    """One PDF of copies: for each part of ``covers`` (its pages, as :func:`render_pdf_parts`
    cut them), those pages, then every page of ``common`` (a PDF). Each document is written
    once and the copies share ``common``'s pages: pypdf gives each copy
    its own page dictionary over the same content, so 50 copies of a plan cost one plan to
    write, not 50 (issue #15). Its title and metadata are ``common``'s."""
    index = {id(page): n for n, page in enumerate(covers.pages)}
    cover_reader = PdfReader(io.BytesIO(write_pdf(covers)))
    common_reader = PdfReader(io.BytesIO(common))
    writer = PdfWriter()
    for part in parts:
        for page in part:
            writer.add_page(cover_reader.pages[index[id(page)]])
        for page in common_reader.pages:
            writer.add_page(page)
    if common_reader.metadata:
        writer.add_metadata(dict(common_reader.metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
