"""Lines of text split once per document (``core.pdf._install_line_memo``) and drawn once per PDF
written (``core.pdf._install_draw_memo``), issue 15: the PDFs are the same, page for page and
drawing for drawing, as WeasyPrint's own line splitting makes them, on text that exercises every
path of it (justified and hyphenated French and Dutch, soft hyphens, words broken in narrow
cells, tables sized on their content, spacing, preserved white space, underlines) and on a plan
sent to creditors (cover letters, plan, annex)."""

import pytest

import core.pdf
from core.pdf import forget_inserts, html_to_pdf
from plans import pdf

from .pdf import drawn
from .test_plan_mailing_scale import TODAY, creditors, mailed, plan_for

PARAGRAPH_FR = (
    "Conformément à l'article 1675/10, § 4, du Code judiciaire, tout contredit doit être "
    "formé, soit par lettre recommandée à la poste, soit par déclaration devant le médiateur "
    "de dettes, dans les deux mois de l'envoi du présent projet."
)
PARAGRAPH_NL = (
    "Overeenkomstig artikel 1675/10, § 4, van het Gerechtelijk Wetboek moet elk bezwaar "
    "worden ingediend, hetzij bij ter post aangetekende brief, hetzij bij verklaring voor de "
    "schuldbemiddelaar, binnen twee maanden na de verzending van dit ontwerp."
)


def varied_html() -> str:
    letters = "".join(
        f"""<div class="copy">
<p lang="fr">{PARAGRAPH_FR}</p>
<p lang="nl">{PARAGRAPH_NL}</p>
<p lang="fr" class="narrow">{PARAGRAPH_FR}</p>
<p lang="fr">Réé\u00admé\u00adna\u00adge\u00adment des créan\u00adces {n}</p>
<p class="spaced">Espacé {n} — {PARAGRAPH_FR[:80]}</p>
<pre>Colonne\tvaleur {n}\n  retrait   gardé</pre>
<p><u>Souligné</u> <span class="nowrap">€ 1.234,{n:02d} sans coupure</span></p>
<table class="auto"><tr><td>Créance admise</td><td class="n">€ {n},00</td></tr>
<tr><td>Premier dividende, au 04/01/2027</td><td class="n">€ 12,64</td></tr></table>
<table class="fixed"><tr><td>{"Schuldbemiddelingsovereenkomst" * 2}</td><td>€ 450,00</td></tr>
<tr><td>Acerta Costa {n}</td><td>€ 12,65</td></tr></table>
</div>"""
        for n in range(6)
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm; @bottom-right {{ content: counter(page) " / " counter(pages); }} }}
html {{ font-family: "DejaVu Serif", serif; font-size: 10pt; line-height: 1.4; }}
p {{ text-align: justify; hyphens: auto; }}
.narrow {{ width: 35mm; }}
.spaced {{ letter-spacing: .4pt; word-spacing: 2pt; }}
.nowrap {{ white-space: nowrap; }}
table.auto {{ border-collapse: collapse; max-width: 60%; }}
table.fixed {{ table-layout: fixed; width: 40mm; }}
table.fixed td {{ overflow-wrap: break-word; hyphens: auto; border: .4pt solid #777; }}
.copy + .copy {{ break-before: page; }}
</style></head><body>{letters}</body></html>"""


def both_ways(monkeypatch, make, memo: str = "LINE_MEMO") -> tuple[bytes, bytes]:
    html_to_pdf("<p>WeasyPrint loaded, the line memo installed</p>")
    monkeypatch.setattr(core.pdf, memo, False)
    forget_inserts()
    plain = make()
    monkeypatch.setattr(core.pdf, memo, True)
    forget_inserts()
    remembered = make()
    return plain, remembered


def test_the_line_memo_is_installed():
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    html_to_pdf("<p>x</p>")
    assert inline.split_first_line is not line_break.split_first_line
    assert preferred.split_first_line is inline.split_first_line


def test_the_draw_memo_is_installed():
    from weasyprint import document, draw
    from weasyprint.draw import text

    html_to_pdf("<p>x</p>")
    assert draw.draw_text is text.draw_text
    assert draw.draw_text.__module__ == "core.pdf"
    assert document.generate_pdf.__module__ == "core.pdf"


@pytest.mark.parametrize("memo", ["LINE_MEMO", "DRAW_MEMO"])
def test_remembered_lines_draw_the_same_pdf_on_varied_text(monkeypatch, memo):
    plain, remembered = both_ways(monkeypatch, lambda: html_to_pdf(varied_html()), memo)
    assert len(drawn(plain)) >= 6
    assert drawn(remembered) == drawn(plain)


def test_lines_drawn_again_are_the_same_bytes_at_their_own_place(monkeypatch):
    """The same sentence in several letters, at other heights, a colour of its own, in bold:
    every PDF byte the same as WeasyPrint draws it (the memo on, lines drawn from it)."""
    letter = (
        '<div class="copy"><p style="margin-top: {n}mm">{p}</p><p class="b">{p}</p>'
        '<p style="color: #{n}{n}0000">{p}</p><p>Créance {n} — € 1.000,{n}0</p></div>'
    )
    html = (
        "<style>p { text-align: justify; hyphens: auto; } .b { font-weight: bold; }"
        ".copy + .copy { break-before: page; }</style>"
        + "".join(letter.format(n=n, p=PARAGRAPH_FR) for n in range(1, 6))
    )
    plain, remembered = both_ways(monkeypatch, lambda: html_to_pdf(html), "DRAW_MEMO")
    assert len(drawn(plain)) == 5
    assert drawn(remembered) == drawn(plain)


@pytest.mark.django_db
@pytest.mark.parametrize("memo", ["LINE_MEMO", "DRAW_MEMO"])
def test_a_plan_sent_to_creditors_is_the_same_pdf_with_remembered_lines(world, monkeypatch, memo):
    ids = creditors(world, world.case, 10, "Banque")
    version = plan_for(world)
    view, addressees = mailed(world, version, ids, copy_to_applicants=True)

    def proposal():
        return pdf.render_proposal_pdf(view, addressees=addressees, sent_on=TODAY, registered=True)

    plain, remembered = both_ways(monkeypatch, proposal, memo)
    assert len(drawn(plain)) > len(addressees)
    assert drawn(remembered) == drawn(plain)
    plain, remembered = both_ways(monkeypatch, lambda: pdf.render_court_pdf(view, on=TODAY), memo)
    assert drawn(remembered) == drawn(plain)
