"""Every query about webhook deliveries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import WebhookDelivery


def delivery(
    session: Session, tenant_id: str, source: str, delivery_id: str
) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.tenant_id == tenant_id,
            WebhookDelivery.source == source,
            WebhookDelivery.delivery_id == delivery_id,
        )
    )
