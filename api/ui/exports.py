"""Downloads (下载): the violation list as CSV and Excel, the bulletin as Word and Excel.

CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese text as such. Excel files
are written with openpyxl (bold header, frozen first row, a filter on every column), Word
with python-docx in the form a county office circulates a 督查通报: the heading, the issue
line, the issuing office and date, one section for items not done in time and one for items
not done to standard, each a table per responsible unit, and the article it rests on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from starlette.responses import Response, StreamingResponse

from api.ui.i18n import Tr
from api.ui.render import Orgs, fmt_time
from domain.rules.registry import BY_ID

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(filename: str) -> dict[str, str]:
    """A download's header: an ASCII name for old clients, the real (Chinese) one beside it."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


# ---- the violation list ----------------------------------------------------------------------
def violation_header(t: Tr) -> list[str]:
    return [
        t("编号", "id"),
        t("辖区", "jurisdiction"),
        t("规则", "rule"),
        t("规则名称", "rule title"),
        t("类别", "family"),
        t("规则包", "pack"),
        t("条款", "article"),
        t("严重程度", "severity"),
        t("案件", "case"),
        t("单位", "unit"),
        t("人员", "person"),
        t("业务时间", "business time"),
        t("跟踪状态", "follow-up status"),
        t("说明", "message"),
        t("证据", "evidence"),
    ]


def violation_cells(v: dict[str, Any], t: Tr, org: Orgs) -> list[Any]:
    r = BY_ID.get(v["rule"])
    j = v["jurisdiction"]
    return [
        v["id"],
        org.name(j),
        v["rule"],
        t(r.title_zh, r.title_en) if r else "",
        t.family(v["family"]),
        v["pack"],
        v["article"],
        t.severity(v["severity"]),
        v["case"],
        org.unit(j, v["unit"]),
        org.person(j, v["person"], v["at"]),
        fmt_time(v["at"]),
        t.status(v["status"]),
        t.message(v["message_zh"], v["message_en"]),
        " ".join(v["evidence"]),
    ]


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> StreamingResponse:
    def lines() -> Iterator[bytes]:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        yield ("\ufeff" + buf.getvalue()).encode("utf-8")
        for row in rows:
            buf.seek(0)
            buf.truncate()
            w.writerow(row)
            yield buf.getvalue().encode("utf-8")

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=attachment(filename))


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]], Sequence[int]]]) -> bytes:
    """A workbook of ``(title, header, rows, column widths)`` sheets (written as it streams)."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows, widths in sheets:
        ws = wb.create_sheet(title=title[:31])
        for i, wdt in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = wdt
        ws.freeze_panes = "A2"
        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            c.alignment = Alignment(vertical="center")
            cells.append(c)
        ws.append(cells)
        n = 0
        for row in rows:
            ws.append(list(row))
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


VIOLATION_WIDTHS = (20, 16, 24, 26, 14, 14, 22, 8, 20, 18, 16, 17, 10, 60, 30)


def download(data: bytes, filename: str) -> Response:
    """A Word or Excel file to save (its type from the name)."""
    media = DOCX if filename.endswith(".docx") else XLSX
    return Response(data, media_type=media, headers=attachment(filename))


# ---- the bulletin (督查通报) -------------------------------------------------------------------
def bulletin_sheets(
    rows: list[dict[str, Any]], t: Tr, org: Orgs
) -> list[tuple[str, list[str], list[list[Any]], tuple[int, ...]]]:
    header = [
        t("辖区", "jurisdiction"),
        t("责任单位", "responsible unit"),
        t("事项", "item"),
        t("案件", "case"),
        t("期限", "deadline"),
        t("办结时间", "closed at"),
        t("逾期天数", "days overdue"),
        t("情况", "what is wrong"),
    ]
    overdue: list[list[Any]] = []
    poor: list[list[Any]] = []
    summary: list[list[Any]] = []
    for r in rows:
        j = r["jurisdiction"]
        summary.append([org.name(j), r["unit_name"], r["overdue_count"], r["poor_quality_count"], r["item_count"]])
        for bucket, items in ((overdue, r["overdue"]), (poor, r["poor_quality"])):
            for i in items:
                bucket.append(
                    [
                        org.name(j),
                        r["unit_name"],
                        i["title"],
                        i["case"],
                        fmt_time(i["deadline"]),
                        fmt_time(i["closed_at"]),
                        i["days_overdue"] if i["days_overdue"] is not None else "",
                        t.message(i["message_zh"], i["message_en"]),
                    ]
                )
    widths = (16, 22, 36, 18, 17, 17, 10, 70)
    return [
        (
            t("汇总", "summary"),
            [
                t("辖区", "jurisdiction"),
                t("责任单位", "responsible unit"),
                t("未按时限", "overdue"),
                t("未按质量", "poor quality"),
                t("事项数", "items"),
            ],
            summary,
            (16, 24, 12, 12, 10),
        ),
        (t("未按时限完成", "not done in time"), header, overdue, widths),
        (t("未按质量完成", "not done to standard"), header, poor, widths),
    ]


def _cjk(run: Any, size: float, *, bold: bool = False, font: str = "仿宋") -> None:
    """A run in a Chinese official font (仿宋 body, 黑体/方正小标宋 headings), set for East Asian text too."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), font)


def _para(doc: Any, text: str, size: float = 16, *, bold: bool = False, font: str = "仿宋", align: Any = None) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    _cjk(p.add_run(text), size, bold=bold, font=font)
    return p


def bulletin_docx(rows: list[dict[str, Any]], month: str, t: Tr, org: Orgs, *, issuer: str, issued: datetime) -> bytes:
    """The 督查通报 of ``month`` as a Word document."""
    doc = Document()
    year, mon = month.split("-")
    _para(
        doc,
        t("督 查 通 报", "Supervision Bulletin"),
        22,
        bold=True,
        font="方正小标宋简体",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(doc, t(f"〔{year}〕第{int(mon)}期", f"{year}, issue {int(mon)}"), 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        f"{issuer}　　　　{issued.strftime('%Y年%m月%d日') if not t.en else issued.strftime('%Y-%m-%d')}",
        14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    n_over = sum(r["overdue_count"] for r in rows)
    n_poor = sum(r["poor_quality_count"] for r in rows)
    units = len(rows)
    _para(
        doc,
        t(
            f"根据督查督办工作有关规定，现将{year}年{int(mon)}月交办事项办理情况通报如下：共有{units}个单位的"
            f"{n_over}项事项未按规定时限完成、{n_poor}项事项未按规定质量完成。",
            f"Under the supervision rules, the handling of assigned items in {month} is reported as follows: "
            f"{units} units, {n_over} items not done in time, {n_poor} items not done to standard.",
        ),
    )
    sections = (
        ("overdue", t("一、未按规定时限完成的事项", "1. Items not done in time")),
        ("poor_quality", t("二、未按规定质量完成的事项", "2. Items not done to standard")),
    )
    cols = [
        t("序号", "No."),
        t("责任单位", "Unit"),
        t("事项", "Item"),
        t("期限", "Deadline"),
        t("情况", "What is wrong"),
    ]
    for key, title in sections:
        _para(doc, title, 16, bold=True, font="黑体")
        items = [(r, i) for r in rows for i in r[key]]
        if not items:
            _para(doc, t("无。", "None."))
            continue
        table = doc.add_table(rows=1, cols=len(cols))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, cols, strict=True):
            cell.text = ""
            _cjk(cell.paragraphs[0].add_run(text), 12, bold=True, font="黑体")
        for n, (r, i) in enumerate(items, start=1):
            cells = table.add_row().cells
            values = [
                str(n),
                r["unit_name"],
                i["title"],
                fmt_time(i["deadline"]),
                t.message(i["message_zh"], i["message_en"]),
            ]
            for cell, text in zip(cells, values, strict=True):
                cell.text = ""
                _cjk(cell.paragraphs[0].add_run(text), 12)
    _para(
        doc,
        t(
            "依据：对交办事项没有按规定时限、质量完成任务的，在《督查通报》上予以通报批评"
            "（攀枝花市东区人民政府工作规则 第一百一十三条）。请被通报单位对照问题认真整改。",
            "Basis: units that did not complete assigned items within the time limit or to the required standard are "
            "criticised in the Supervision Bulletin (Dongqu government work rules, art. 113). The units named are asked "
            "to put the problems right.",
        ),
        14,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
