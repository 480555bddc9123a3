"""A new Draft starts from the facility's last submitted filing: a submitted filing is never changed, so a change
after submit goes into a copy of it (cers-pitfalls.md: "every fix is a new draft and a resubmittal").

`copy_last_filing` is called by the one place that creates Drafts (`bot.excel.service.draft_submittal`), inside
its transaction. It copies the rows only (Business Activities, Owner/Operator with the certification, the
inventory with its components, the current documents pointing at the same stored files); it checks no role
and writes no audit row: the caller does both.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import BusinessActivities, Document, InventoryComponent, InventoryItem, OwnerOperator, Submittal

_SKIP = {"id", "submittal_id", "item_id"}


def last_filed(db: Session, facility_id: int) -> Optional[Submittal]:
    """The facility's newest filing that is not a Draft (Submitted, Under Review, Accepted, Not Accepted)."""
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status != "Draft")
                      .order_by(Submittal.submitted_at.desc().nulls_last(), Submittal.id.desc())
                      .limit(1)).scalar_one_or_none()


def current_filing(db: Session, facility_id: int) -> Optional[Submittal]:
    """The filing the facility's pages and the chat show: the Draft when there is one, else the last filing
    (a submitted filing stays visible until a change starts the next Draft). Read it; never write to it."""
    draft = db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status == "Draft")
                       ).scalar_one_or_none()
    return draft if draft is not None else last_filed(db, facility_id)


def copied_row(db: Session, draft: Submittal, source_row: InventoryItem) -> Optional[InventoryItem]:
    """In a Draft just copied from `source_row`'s filing, the copy of that material (same place in the order)."""
    def ordered(submittal_id: int) -> list[InventoryItem]:
        return list(db.execute(select(InventoryItem).where(InventoryItem.submittal_id == submittal_id)
                               .order_by(InventoryItem.position, InventoryItem.id)).scalars())

    source_items = ordered(source_row.submittal_id)
    index = next((i for i, it in enumerate(source_items) if it.id == source_row.id), None)
    copies = ordered(draft.id)
    if index is None or draft.parent_submittal_id != source_row.submittal_id or index >= len(copies):
        return None
    return copies[index]


def _columns(row: object) -> dict:
    table = row.__table__  # type: ignore[attr-defined]
    return {c.key: getattr(row, c.key) for c in table.columns if c.key not in _SKIP}


def copy_last_filing(db: Session, draft: Submittal) -> Optional[Submittal]:
    """Fill the new, empty `draft` with the data of the facility's last filing; returns that filing (None when
    the facility never filed: the Draft stays empty)."""
    source = last_filed(db, draft.facility_id)
    if source is None:
        return None
    draft.parent_submittal_id = source.id
    draft.inventory_complete_at = source.inventory_complete_at
    for model in (BusinessActivities, OwnerOperator):
        row = db.execute(select(model).where(model.submittal_id == source.id)).scalar_one_or_none()
        if row is not None:
            values = _columns(row)
            values.pop("created_at", None)
            db.add(model(submittal_id=draft.id, **values))
    items = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == source.id)
                       .order_by(InventoryItem.position, InventoryItem.id)).scalars().all()
    for item in items:
        copy = InventoryItem(submittal_id=draft.id, **{k: v for k, v in _columns(item).items()
                                                       if k not in ("created_at", "updated_at")})
        for component in item.components:
            copy.components.append(InventoryComponent(**_columns(component)))
        db.add(copy)
    documents = db.execute(select(Document).where(Document.submittal_id == source.id,
                                                  Document.replaced_at.is_(None))).scalars().all()
    for document in documents:
        db.add(Document(submittal_id=draft.id, **_columns(document)))
    db.flush()
    return source
