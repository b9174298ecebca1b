"""The impact report as CSV (one line per figure) and as a self-contained printable HTML page.

The page holds everything it shows: styles inline, charts drawn by pygal as inline SVG
without its script, no font, image or script fetched from anywhere. Every figure carries
its raw value in ``data-value`` (and its place in the JSON answer in ``data-figure``), so
that what the page shows can be checked against the JSON.
"""

import csv
import io
import re
from collections.abc import Iterator
from html import escape
from typing import Any

import pygal
from pygal.style import Style

from app.domain.impact.schemas import GroupOutcome, ImpactReport

_PYGAL_EXTRAS = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.DOTALL)
LANGUAGES = ("en", "fr")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Impact report",
        "generated": "Generated on",
        "period": "Program period",
        "status": "Status",
        "indicators": "Success indicators",
        "objective": "Objective",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "target": "Target",
        "latest": "Latest value",
        "reached": "Reached",
        "yes": "yes",
        "no": "no",
        "none": "—",
        "learning": "What participants learned (self-assessment, 1-5)",
        "item": "Item",
        "side": "Side",
        "mentor": "mentors",
        "mentee": "mentees",
        "respondents": "Respondents",
        "before": "Before",
        "after": "After",
        "change": "Mean change",
        "ci": "95 % CI",
        "improved": "Improved",
        "retention": "Retention and mobility against a comparison group",
        "group": "Group",
        "participants": "Participants",
        "comparison": "Comparison group",
        "size": "People",
        "retention_6m": "Retained at 6 months",
        "retention_12m": "Retained at 12 months",
        "mobility": "Moved internally",
        "method": "Method",
        "limits": "Limits",
        "hidden": "not shown (fewer than {n} people)",
        "measured": "measured",
        "computed": "computed",
        "minimum": "No figure is shown for fewer than {n} people.",
    },
    "fr": {
        "title": "Rapport d'impact",
        "generated": "Établi le",
        "period": "Période du programme",
        "status": "Statut",
        "indicators": "Indicateurs de réussite",
        "objective": "Objectif",
        "indicator": "Indicateur",
        "baseline": "Référence",
        "target": "Cible",
        "latest": "Dernière valeur",
        "reached": "Atteint",
        "yes": "oui",
        "no": "non",
        "none": "—",
        "learning": "Ce que les participants ont appris (auto-évaluation, 1 à 5)",
        "item": "Question",
        "side": "Côté",
        "mentor": "mentors",
        "mentee": "mentorés",
        "respondents": "Répondants",
        "before": "Avant",
        "after": "Après",
        "change": "Évolution moyenne",
        "ci": "IC à 95 %",
        "improved": "En progrès",
        "retention": "Rétention et mobilité comparées à un groupe témoin",
        "group": "Groupe",
        "participants": "Participants",
        "comparison": "Groupe de comparaison",
        "size": "Personnes",
        "retention_6m": "Restés à 6 mois",
        "retention_12m": "Restés à 12 mois",
        "mobility": "Mobilité interne",
        "method": "Méthode",
        "limits": "Limites",
        "hidden": "non affiché (moins de {n} personnes)",
        "measured": "mesuré",
        "computed": "calculé",
        "minimum": "Aucun chiffre n'est affiché pour moins de {n} personnes.",
    },
}

# The comparison's limits in French: the JSON answer states them in English.
LIMITS_FR = (
    "Comparaison observationnelle, non preuve de causalité : les participants ont choisi ou "
    "été choisis, et rien ne corrige ce biais. Les groupes sont comparés en bloc, sans "
    "pondération par service et niveau. La mobilité ne compte que les changements connus de "
    "l'annuaire ; une personne effacée à sa demande sort du groupe de comparaison."
)
METHOD_FR = (
    "Participants (approuvés, des deux côtés) comparés aux salariés non participants du même "
    "service et de la même tranche d'ancienneté, embauchés avant le début du programme et "
    "présents à cette date. Rétention à 6 et 12 mois ; mobilité : changement de service ou "
    "d'intitulé de poste depuis le début. Groupes de moins de 5 personnes non affichés."
)


def pick_language(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header; English by default."""
    best, best_q = "en", 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= position * 1e-6  # equal weights: the first named wins
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "key", "label", "figure", "value", "count", "of"]


def _csv_rows(report: ImpactReport) -> Iterator[dict[str, Any]]:
    for ind in report.indicators:
        key = f"{ind.objective_id}/{ind.indicator}"
        for name in ("baseline", "target", "latest_value", "reached"):
            yield {
                "section": "indicator",
                "key": key,
                "label": ind.name,
                "figure": name,
                "value": getattr(ind, name),
            }
        for point in ind.points:
            yield {
                "section": "indicator",
                "key": key,
                "label": ind.name,
                "figure": f"measured:{point.measured_on.isoformat()}",
                "value": point.value,
            }
    for gain in report.learning:
        key = f"{gain.item_id}"
        yield {
            "section": "learning",
            "key": key,
            "label": gain.statement,
            "figure": "respondents",
            "value": gain.respondents,
        }
        if gain.shown:
            for name in ("mean_before", "mean_after", "mean_change", "ci_low", "ci_high"):
                yield {
                    "section": "learning",
                    "key": key,
                    "label": gain.statement,
                    "figure": name,
                    "value": getattr(gain, name),
                }
            yield {
                "section": "learning",
                "key": key,
                "label": gain.statement,
                "figure": "improved_share",
                "value": gain.improved_share,
                "count": gain.improved,
                "of": gain.respondents,
            }
    for group_name in ("participants", "comparison"):
        group: GroupOutcome = getattr(report.retention, group_name)
        yield {
            "section": "retention",
            "key": group_name,
            "label": group_name,
            "figure": "size",
            "value": group.size,
        }
        if not group.shown:
            continue
        for months in (6, 12):
            if getattr(group, f"observed_{months}m") is not None:
                yield {
                    "section": "retention",
                    "key": group_name,
                    "label": group_name,
                    "figure": f"retention_{months}m",
                    "value": getattr(group, f"retention_{months}m"),
                    "count": getattr(group, f"retained_{months}m"),
                    "of": getattr(group, f"observed_{months}m"),
                }
        yield {
            "section": "retention",
            "key": group_name,
            "label": group_name,
            "figure": "mobility",
            "value": group.mobility,
            "count": group.moved,
            "of": group.size,
        }


def to_csv(report: ImpactReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _csv_rows(report):
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in CSV_COLUMNS})
    return out.getvalue()


# --- HTML ----------------------------------------------------------------------------------

_STYLE = Style(
    background="white",
    plot_background="white",
    font_family="sans-serif",
    colors=("#1f5f8b", "#c0392b", "#7f8c8d", "#27ae60"),
)
_CSS = """
body{font-family:sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}figure{margin:1em 0}p.small{font-size:.85em;color:#555}
@media print{body{margin:0}h2{break-after:avoid}figure,tr{break-inside:avoid}}
"""


def _number(value: float | int | None, lang: str, digits: int = 2) -> str:
    if value is None:
        return TEXT[lang]["none"]
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def _percent(value: float | None, lang: str) -> str:
    if value is None:
        return TEXT[lang]["none"]
    return _number(round(value * 100, 1), lang, 1) + " %"


def _cell(figure: str, value: Any, shown: str, numeric: bool = True) -> str:
    raw = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    css = ' class="n"' if numeric else ""
    return (
        f'<td{css} data-figure="{escape(figure)}" data-value="{escape(raw)}">{escape(shown)}</td>'
    )


def _svg(chart: Any) -> str:
    rendered: str = chart.render(is_unicode=True, disable_xml_declaration=True)
    # pygal writes its tooltip settings and a credit comment with addresses; without its
    # script (js=[]) they serve nothing: the page runs no script and names no address.
    return f"<figure>{_PYGAL_EXTRAS.sub('', rendered)}</figure>"


def _chart_config(title: str) -> dict[str, Any]:
    # js=[]: pygal otherwise links its tooltip script from a web address.
    return {
        "title": title,
        "style": _STYLE,
        "js": [],
        "width": 720,
        "height": 300,
        "disable_xml_declaration": True,
        "explicit_size": True,
    }


def _indicator_chart(ind: Any, lang: str) -> str:
    chart = pygal.Line(**_chart_config(f"{ind.name} ({ind.unit})"), x_label_rotation=20)
    labels = [TEXT[lang]["baseline"]] + [p.measured_on.isoformat() for p in ind.points]
    chart.x_labels = labels
    chart.add(TEXT[lang]["measured"], [ind.baseline] + [p.value for p in ind.points])
    chart.add(
        TEXT[lang]["target"],
        [ind.target] * len(labels),
        show_dots=False,
        stroke_style={"dasharray": "6, 3"},
    )
    return _svg(chart)


def _indicators_html(report: ImpactReport, lang: str) -> list[str]:
    t = TEXT[lang]
    parts = [
        f"<h2>{t['indicators']}</h2>",
        "<table><thead><tr>",
        *(
            f"<th>{t[k]}</th>"
            for k in ("objective", "indicator", "baseline", "target", "latest", "reached")
        ),
        "</tr></thead><tbody>",
    ]
    for i, ind in enumerate(report.indicators):
        reached = t["none"] if ind.reached is None else t["yes"] if ind.reached else t["no"]
        unit = f" {ind.unit}"
        parts += [
            "<tr>",
            f"<td>{escape(ind.objective_title)}</td>",
            f"<td>{escape(ind.name)}"
            + (f" ({t['computed']})" if ind.computation else "")
            + "</td>",
            _cell(f"indicators.{i}.baseline", ind.baseline, _number(ind.baseline, lang) + unit),
            _cell(f"indicators.{i}.target", ind.target, _number(ind.target, lang) + unit),
            _cell(
                f"indicators.{i}.latest_value",
                ind.latest_value,
                _number(ind.latest_value, lang) + unit,
            ),
            _cell(f"indicators.{i}.reached", ind.reached, reached, numeric=False),
            "</tr>",
        ]
    parts.append("</tbody></table>")
    for ind in report.indicators:
        if ind.points:
            parts.append(_indicator_chart(ind, lang))
    return parts


def _learning_html(report: ImpactReport, lang: str) -> list[str]:
    t = TEXT[lang]
    hidden = t["hidden"].format(n=report.minimum_group_size)
    parts = [
        f"<h2>{t['learning']}</h2>",
        "<table><thead><tr>",
        *(
            f"<th>{t[k]}</th>"
            for k in ("item", "side", "respondents", "before", "after", "change", "ci", "improved")
        ),
        "</tr></thead><tbody>",
    ]
    for i, g in enumerate(report.learning):
        row = [
            "<tr>",
            f"<td>{escape(g.statement)}</td>",
            f"<td>{t[g.side.value]}</td>",
            _cell(f"learning.{i}.respondents", g.respondents, str(g.respondents)),
        ]
        if g.shown:
            row += [
                _cell(f"learning.{i}.mean_before", g.mean_before, _number(g.mean_before, lang)),
                _cell(f"learning.{i}.mean_after", g.mean_after, _number(g.mean_after, lang)),
                _cell(f"learning.{i}.mean_change", g.mean_change, _number(g.mean_change, lang)),
                f'<td class="n">[<span data-figure="learning.{i}.ci_low" data-value="{g.ci_low}">'
                f'{_number(g.ci_low, lang)}</span> ; <span data-figure="learning.{i}.ci_high" '
                f'data-value="{g.ci_high}">{_number(g.ci_high, lang)}</span>]</td>',
                _cell(
                    f"learning.{i}.improved_share",
                    g.improved_share,
                    f"{_percent(g.improved_share, lang)} ({g.improved}/{g.respondents})",
                ),
            ]
        else:
            row.append(f'<td colspan="5">{escape(hidden)}</td>')
        parts += [*row, "</tr>"]
    parts.append("</tbody></table>")
    shown = [g for g in report.learning if g.shown]
    if shown:
        chart = pygal.HorizontalBar(**_chart_config(t["change"]), show_legend=False)
        chart.x_labels = [g.statement[:60] for g in shown]
        chart.add(t["change"], [g.mean_change for g in shown])
        parts.append(_svg(chart))
    return parts


def _retention_html(report: ImpactReport, lang: str) -> list[str]:
    t = TEXT[lang]
    r = report.retention
    hidden = t["hidden"].format(n=report.minimum_group_size)
    parts = [
        f"<h2>{t['retention']}</h2>",
        "<table><thead><tr>",
        *(
            f"<th>{t[k]}</th>"
            for k in ("group", "size", "retention_6m", "retention_12m", "mobility")
        ),
        "</tr></thead><tbody>",
    ]
    for name in ("participants", "comparison"):
        g: GroupOutcome = getattr(r, name)
        row = ["<tr>", f"<td>{t[name]}</td>", _cell(f"retention.{name}.size", g.size, str(g.size))]
        if not g.shown:
            row.append(f'<td colspan="3">{escape(hidden)}</td>')
        else:
            for months in (6, 12):
                value = getattr(g, f"retention_{months}m")
                count, of = getattr(g, f"retained_{months}m"), getattr(g, f"observed_{months}m")
                shown = _percent(value, lang) + (f" ({count}/{of})" if of else "")
                row.append(_cell(f"retention.{name}.retention_{months}m", value, shown))
            row.append(
                _cell(
                    f"retention.{name}.mobility",
                    g.mobility,
                    f"{_percent(g.mobility, lang)} ({g.moved}/{g.size})",
                )
            )
        parts += [*row, "</tr>"]
    parts.append("</tbody></table>")
    if r.participants.shown and r.comparison.shown:
        chart = pygal.Bar(**_chart_config(t["retention"]))
        chart.x_labels = [t["retention_6m"], t["retention_12m"], t["mobility"]]
        for name in ("participants", "comparison"):
            g = getattr(r, name)
            chart.add(
                t[name],
                [
                    None if v is None else round(v * 100, 1)
                    for v in (g.retention_6m, g.retention_12m, g.mobility)
                ],
            )
        parts.append(_svg(chart))
    method, limits = (METHOD_FR, LIMITS_FR) if lang == "fr" else (r.method, r.limits)
    parts += [
        f'<p class="small"><strong>{t["method"]}</strong>: {escape(method)}</p>',
        f'<p class="small"><strong>{t["limits"]}</strong>: {escape(limits)}</p>',
    ]
    return parts


def to_html(report: ImpactReport, lang: str) -> str:
    t = TEXT[lang]
    period = " to ".join(d.isoformat() for d in (report.starts_on, report.ends_on) if d)
    head = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{t['title']} — {escape(report.program_name)}</title>"
        f"<style>{_CSS}</style></head><body>"
    )
    parts = [
        head,
        f"<h1>{t['title']} — {escape(report.program_name)}</h1>",
        f"<p>{t['period']}: {period or t['none']} · {t['status']}: {report.status} · "
        f"{t['generated']} {report.generated_at.date().isoformat()}</p>",
        f'<p class="small">{t["minimum"].format(n=report.minimum_group_size)}</p>',
        *_indicators_html(report, lang),
        *_learning_html(report, lang),
        *_retention_html(report, lang),
        "</body></html>",
    ]
    return "".join(parts)
