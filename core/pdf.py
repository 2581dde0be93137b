"""What every PDF of the application shares (WeasyPrint, A4): text made safe for the page's
margin boxes, and the rendering itself (WeasyPrint is imported only when a PDF is made)."""


def css_string(text: str) -> str:
    """Text safe inside a CSS double-quoted string (the running footers of the margin boxes):
    no backslash, no straight double quote, no line break."""
    return text.replace("\\", "").replace('"', "”").replace("\n", " ")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
