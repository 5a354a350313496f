"""Helpers for the Excel export tests: read a downloaded workbook, compare it to a list."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook


def workbook_rows(content: bytes) -> tuple[list, list[tuple]]:
    """(header, data rows) of the first sheet, checking the house's file shape."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def api_ids(client, url: str) -> list[int]:
    response = client.get(url, {"page_size": 500} if "?" not in url else None)
    if "?" in url:
        response = client.get(url + "&page_size=500")
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]
