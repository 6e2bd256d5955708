"""Charts as inline SVG, drawn from a report's aggregate tables (counts per class size, per
column set, per pair), never from records: a chart can show only what the JSON report says.

Each function returns markup safe to put in a page: every label goes through ``escape``. The
charts need no script and no font download; they scale with the page through ``viewBox``.
"""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 720
_BAR = "#4a6fa5"
_RISK = "#c0392b"
_OK = "#2e8b57"
_MUTED = "#8a8f98"
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12"'


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3g}"
    return f"{int(value):,}"


def _svg(height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" {_FONT}><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _label(text: str, limit: int = 34) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def horizontal_bars(rows, *, title: str, unit: str = "", marker: float | None = None, marker_label: str = "",
                    scale_max: float | None = None, highlight=None, label_width: int = 250) -> Markup:
    """One bar per (label, value, note) row; ``highlight(value)`` colours a bar as a risk."""
    rows = list(rows)
    if not rows:
        return Markup("")
    top = scale_max if scale_max is not None else max([r[1] for r in rows] + [marker or 0]) or 1
    bar_area = WIDTH - label_width - 190
    row_height = 24
    height = 30 + row_height * len(rows) + 24
    body = []
    for i, row in enumerate(rows):
        label, value = row[0], row[1]
        note = row[2] if len(row) > 2 else _number(value) + unit
        y = 24 + i * row_height
        width = max(1.0, bar_area * min(value, top) / top) if value else 0
        colour = _RISK if highlight is not None and highlight(value) else _BAR
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(_label(label))}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row_height - 8}" fill="{colour}"/>')
        body.append(f'<text x="{label_width + width + 6:.1f}" y="{y + 15}">{escape(note)}</text>')
    if marker is not None:
        x = label_width + bar_area * min(marker, top) / top
        body.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 18}" stroke="{_RISK}" stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" fill="{_RISK}">{escape(marker_label)}</text>')
    body.insert(0, f'<text x="0" y="14" font-weight="600">{escape(title)}</text>')
    return _svg(height, body, title)


def _size_bins(histogram, k: int) -> list[tuple[str, int, int]]:
    """(label, smallest size in the bin, records) bins: one per size up to 2k, then doubling ranges."""
    sizes = dict((int(size), int(count)) for size, count in histogram)
    if not sizes:
        return []
    single = max(2 * k, 10)
    bins: list[tuple[str, int, int]] = []
    for size in range(1, max(min(single, max(sizes)), k) + 1):
        bins.append((str(size), size, size * sizes.get(size, 0)))
    low = single + 1
    while low <= max(sizes):
        high = low * 2 - 1
        records = sum(s * c for s, c in sizes.items() if low <= s <= high)
        bins.append((f"{low}–{high}", low, records))
        low = high + 1
    return bins


def class_size_histogram(histogram, k: int) -> Markup:
    """Records per equivalence-class size, bars under k in red and the policy's k marked."""
    bins = _size_bins(histogram, k)
    if not bins:
        return Markup("")
    title = "Records by the size of their group (equivalence class)"
    height, top_pad, bottom = 260, 30, 50
    plot_h = height - top_pad - bottom
    left, right = 60, 10
    step = (WIDTH - left - right) / len(bins)
    top = max(records for _, _, records in bins) or 1
    body = [f'<text x="0" y="14" font-weight="600">{escape(title)}</text>',
            f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{WIDTH - right}" y2="{top_pad + plot_h}" stroke="{_MUTED}"/>',
            f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end">{_number(top)}</text>',
            f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for i, (label, smallest, records) in enumerate(bins):
        h = plot_h * records / top
        x = left + i * step
        colour = _RISK if smallest < k else _OK
        body.append(f'<rect x="{x + 1:.1f}" y="{top_pad + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                    f'<title>{escape(label)}: {records:,} records</title></rect>')
        if len(bins) <= 24 or i % 2 == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{top_pad + plot_h + 14}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    marker = next((i for i, (_, smallest, _) in enumerate(bins) if smallest >= k), len(bins))
    x = left + marker * step
    body.append(f'<line x1="{x:.1f}" y1="{top_pad - 6}" x2="{x:.1f}" y2="{top_pad + plot_h}" stroke="{_RISK}" stroke-width="2" stroke-dasharray="5 3"/>')
    body.append(f'<text x="{x + 4:.1f}" y="{top_pad + 4}" fill="{_RISK}">policy k = {k}</text>')
    body.append(f'<text x="{(WIDTH + left) / 2:.0f}" y="{height - 8}" text-anchor="middle">records in groups of this size (red: smaller than k)</text>')
    return _svg(height, body, title)


def risk_against_policy(items) -> Markup:
    """Bullet bars on a 0–1 scale: each (label, value, threshold) with its threshold marked."""
    items = [(label, value, threshold) for label, value, threshold in items if value is not None]
    if not items:
        return Markup("")
    title = "Re-identification risk against the policy (0 to 1)"
    label_width, bar_area, row = 250, WIDTH - 250 - 190, 34
    height = 30 + row * len(items) + 10
    body = [f'<text x="0" y="14" font-weight="600">{escape(title)}</text>']
    for i, (label, value, threshold) in enumerate(items):
        y = 26 + i * row
        over = threshold is not None and value > threshold + 1e-12
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_area}" height="14" fill="#eef0f3"/>')
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{max(bar_area * min(value, 1.0), 1):.1f}" height="14" fill="{_RISK if over else (_OK if threshold is not None else _BAR)}"/>')
        note = f"{value:.1%}"
        if threshold is not None:
            x = label_width + bar_area * min(threshold, 1.0)
            body.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 22}" stroke="#222" stroke-width="2"/>')
            note += f" (max {threshold:.1%})"
        body.append(f'<text x="{label_width + bar_area + 6}" y="{y + 15}">{escape(note)}</text>')
    return _svg(height, body, title)


def link_matrix(names, cells) -> Markup:
    """Release × release matrix: ``cells[(a, b)] = (records linked one to one, share, verdict)``."""
    names = list(names)
    if len(names) < 2:
        return Markup("")
    title = "Records of the row release linked one to one by the column release"
    label_width = 210
    size = max(14, min(40, (WIDTH - label_width - 10) // len(names)))
    top = 130
    width = max(WIDTH, label_width + size * len(names) + 10)
    height = top + size * len(names) + 20
    body = [f'<text x="0" y="14" font-weight="600">{escape(title)}</text>']
    for j, name in enumerate(names):
        x = label_width + j * size + size / 2
        body.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-55)" font-size="10">{escape(_label(name, 22))}</text>')
    for i, row in enumerate(names):
        y = top + i * size
        body.append(f'<text x="{label_width - 6}" y="{y + size / 2 + 4:.1f}" text-anchor="end" font-size="10">{escape(_label(row, 30))}</text>')
        for j, column in enumerate(names):
            x = label_width + j * size
            cell = cells.get((row, column))
            if row == column:
                fill, text = "#d9dce1", ""
            elif cell is None:
                fill, text = "#ffffff", ""
            else:
                linked, share, verdict = cell
                alpha = 0.15 + 0.85 * min(max(share or 0.0, 0.0), 1.0) if linked else 0.0
                fill = f"rgba(192,57,43,{alpha:.2f})" if verdict == "fail" else f"rgba(74,111,165,{alpha:.2f})"
                text = _number(linked) if linked and size >= 28 else ""
            tip = "" if cell is None else f"<title>{escape(row)} × {escape(column)}: {cell[0]:,} linked one to one</title>"
            body.append(f'<rect x="{x}" y="{y}" width="{size - 1}" height="{size - 1}" fill="{fill}" stroke="#e4e6ea">{tip}</rect>')
            if text:
                body.append(f'<text x="{x + size / 2:.1f}" y="{y + size / 2 + 4:.1f}" text-anchor="middle" font-size="9">{escape(text)}</text>')
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {_FONT}><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )
