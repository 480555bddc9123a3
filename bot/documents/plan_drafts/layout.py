"""The page furniture of the drafted plans, written with reportlab: headings, paragraphs, blank lines to fill,
check boxes, tables that continue across pages (their header row repeated), and on every page the DRAFT marker
and the facility's name and CERS ID. Text is in Helvetica (a real text font), so the filer's PDF program, CERS and
the product's own upload check can read it back.

It knows nothing of the filing: `emergency.py` and `training.py` say what goes in. Every piece of text given here
is plain text (escaped here), never reportlab markup.
"""
from __future__ import annotations

import io
from typing import Callable, Iterable, Optional, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

DRAFT_MARKER = "DRAFT — complete every blank, sign and date, then upload"
BLANK = "_" * 28
CELL_BLANK = "_" * 12  # a missing value inside a narrow table cell
LONG_BLANK = "_" * 70
BOX = "[   ]"
TICKED = "[ X ]"
MARGIN = 0.75 * inch
WIDTH = LETTER[0] - 2 * MARGIN
WRITING_ROW = 22  # the height of an empty table row, to write in by hand

_base = getSampleStyleSheet()
TITLE = ParagraphStyle("PlanTitle", parent=_base["Title"], fontName="Helvetica-Bold", fontSize=17, leading=21,
                       spaceAfter=4)
SUBTITLE = ParagraphStyle("PlanSubtitle", parent=_base["Normal"], fontName="Helvetica", fontSize=9, leading=12,
                          alignment=1, textColor=colors.HexColor("#444444"), spaceAfter=10)
HEADING = ParagraphStyle("PlanHeading", parent=_base["Heading2"], fontName="Helvetica-Bold", fontSize=12.5,
                         leading=16, spaceBefore=12, spaceAfter=4, keepWithNext=1)
SUBHEADING = ParagraphStyle("PlanSubheading", parent=_base["Heading3"], fontName="Helvetica-Bold", fontSize=10.5,
                            leading=14, spaceBefore=6, spaceAfter=2, keepWithNext=1)
BODY = ParagraphStyle("PlanBody", parent=_base["Normal"], fontName="Helvetica", fontSize=9.5, leading=13,
                      spaceAfter=3)
NOTE = ParagraphStyle("PlanNote", parent=BODY, fontName="Helvetica-Oblique", textColor=colors.HexColor("#8a3b00"),
                      spaceBefore=3)
BULLET = ParagraphStyle("PlanBullet", parent=BODY, leftIndent=14, bulletIndent=4)
CELL = ParagraphStyle("PlanCell", parent=BODY, fontSize=8.5, leading=11, spaceAfter=0)
HEAD_CELL = ParagraphStyle("PlanHeadCell", parent=CELL, fontName="Helvetica-Bold")
WRITE_ON = ParagraphStyle("PlanWriteOn", parent=BODY, leading=15, spaceBefore=5)  # room to write by hand
BOXED = ParagraphStyle("PlanBoxed", parent=BODY, borderColor=colors.HexColor("#b00020"), borderWidth=1,
                       borderPadding=6, backColor=colors.HexColor("#fff4f4"), spaceBefore=4, spaceAfter=10)


def text(value: Optional[object]) -> str:
    """Plain text made safe for a reportlab paragraph."""
    return escape("" if value is None else str(value))


def heading(title: str) -> Paragraph:
    return Paragraph(text(title), HEADING)


def subheading(title: str) -> Paragraph:
    return Paragraph(text(title), SUBHEADING)


def para(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(text(value), style)


def bold_lead(lead: str, rest: str) -> Paragraph:
    """"Fire: what to do..." with the lead word in bold."""
    return Paragraph(f"<b>{text(lead)}</b> {text(rest)}", BODY)


def note(value: str) -> Paragraph:
    """A remark for the filer (missing data, what to check) in a colour that stands out."""
    return Paragraph(text(value), NOTE)


def bullets(items: Iterable[str]) -> list[Paragraph]:
    return [Paragraph(text(item), BULLET, bulletText="•") for item in items]


def fill_line(label: str, blank: str = BLANK) -> Paragraph:
    """"Assembly area: ______": a label and a line to write on."""
    return Paragraph(f"{text(label)} {blank}", WRITE_ON)


def check_boxes(options: Iterable[str], ticked: Sequence[str] = ()) -> list[Paragraph]:
    """One line per option, each with a box to tick (the ones in `ticked` already ticked)."""
    return [Paragraph(f"{TICKED if option in ticked else BOX}&nbsp;&nbsp;{text(option)}", BULLET)
            for option in options]


def boxed(value: str) -> Paragraph:
    return Paragraph(text(value).replace("\n", "<br/>"), BOXED)


def spacer(height: float = 6) -> Spacer:
    return Spacer(1, height)


def table(header: Sequence[str], rows: Iterable[Sequence[Optional[str]]], widths: Sequence[float]) -> Table:
    """A ruled table whose header row repeats on each page it continues to; an empty cell is a blank to fill."""
    data = [[Paragraph(text(h), HEAD_CELL) for h in header]]
    heights: list[Optional[float]] = [None]
    for row in rows:
        data.append([Paragraph(text(cell) if cell else "&nbsp;", CELL) for cell in row])
        heights.append(None if any(row) else WRITING_ROW)
    total = sum(widths)
    result = Table(data, colWidths=[WIDTH * w / total for w in widths], rowHeights=heights, repeatRows=1,
                   hAlign="LEFT")
    result.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return result


def signature_block(roles: Iterable[str]) -> list[Flowable]:
    """For each role ("Prepared by"): name, title, signature and date lines, kept on one page."""
    blocks: list[Flowable] = []
    for role in roles:
        blocks.append(KeepTogether([
            subheading(role),
            fill_line("Name:", "_" * 34 + "   Title: " + "_" * 26),
            fill_line("Signature:", "_" * 34 + "   Date: " + "_" * 18),
            spacer(4),
        ]))
    return blocks


def _page_marks(footer: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        width, height = LETTER
        canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(width / 2, height - 0.45 * inch, DRAFT_MARKER)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN, 0.45 * inch, footer)
        canvas.drawRightString(width - MARGIN, 0.45 * inch, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def render(story: list[Flowable], *, title: str, footer: str, author: str = "") -> bytes:
    """The PDF of `story` on US Letter pages, each with the DRAFT marker on top and `footer` at the bottom."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=0.8 * inch, bottomMargin=0.75 * inch, title=f"{title} (DRAFT)",
                            author=author, subject=DRAFT_MARKER, creator="CERS filing assistant")
    marks = _page_marks(footer)
    doc.build(story, onFirstPage=marks, onLaterPages=marks)
    return buffer.getvalue()
