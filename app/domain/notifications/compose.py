"""The e-mail a person receives: their due items, in French or English.

What goes in is chosen here and nowhere else: the item's kind, stage, reason, due time and
the operation that resolves it. Nothing else of the event (a snapshot may hold more), so no
private note or anonymous author can ever reach a mailbox.
"""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_templates = Environment(
    loader=PackageLoader("app.domain.notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

_DATE_FORMATS = {"en": "%Y-%m-%d %H:%M", "fr": "%d/%m/%Y %H:%M"}


@dataclass(frozen=True, slots=True)
class DueItem:
    """One nudge as an e-mail shows it."""

    kind: str
    stage: str
    reason: str
    due_at: datetime | None
    method: str
    path: str

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> "DueItem":
        found = data.get("action")
        action: dict[str, Any] = found if isinstance(found, dict) else {}
        due_at = None
        if isinstance(data.get("due_at"), str):
            try:
                due_at = datetime.fromisoformat(data["due_at"].replace("Z", "+00:00"))
            except ValueError:
                due_at = None
        return cls(
            kind=str(data.get("kind", "")),
            stage=str(data.get("stage", "due")),
            reason=str(data.get("reason", "")),
            due_at=due_at,
            method=str(action.get("method", "")),
            path=str(action.get("path", "")),
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address: str
    language: str
    timezone: str


def _view(item: DueItem, recipient: Recipient, base_url: str | None) -> dict[str, Any]:
    due = None
    if item.due_at is not None:
        local = item.due_at.astimezone(ZoneInfo(recipient.timezone))
        due = local.strftime(_DATE_FORMATS[recipient.language])
    return {
        "kind": item.kind,
        "urgent": item.stage == "urgent",
        "reason": item.reason,
        "due": due,
        "link": f"{base_url}{item.path}" if base_url and item.path.startswith("/") else None,
        "operation": f"{item.method} {item.path}".strip(),
    }


def compose(
    recipient: Recipient,
    items: list[DueItem],
    *,
    sender: str,
    base_url: str | None,
) -> EmailMessage:
    """One message, plain text and HTML, with every item (soonest first)."""
    ordered = sorted(items, key=lambda i: (i.stage != "urgent", i.due_at is None, i.due_at))
    context = {
        "name": recipient.name,
        "items": [_view(item, recipient, base_url) for item in ordered],
        "urgent": any(item.stage == "urgent" for item in items),
        "timezone": recipient.timezone,
    }
    language = recipient.language
    subject = _templates.get_template(f"{language}/subject.txt").render(context).strip()
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = formataddr((recipient.name, recipient.address))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    # Automated: out-of-office replies stay away (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_templates.get_template(f"{language}/digest.txt").render(context))
    message.add_alternative(
        _templates.get_template(f"{language}/digest.html").render(context), subtype="html"
    )
    message["Content-Language"] = language  # after the content, which resets Content-*
    return message
