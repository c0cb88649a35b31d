"""A contact created from TracPro, once RapidPro has it: its row takes RapidPro's uuid.

TracPro stores a new contact at once, under a uuid of its own, and RapidPro names it when it
creates it. Usually the answer says so and the row takes that uuid before any sync reads the
contact. When the answer was lost, the contact is looked up by its URN at a later push, and a sync
between the two has already read the new contact from RapidPro and stored it as a row of its own.
The two rows are one contact: the synced one holds it as RapidPro has it (its groups, fields and
status, and whatever the sync wrote against it since), so it stays, what refers to TracPro's row
(the actions queued for it, the messages it was sent) moves onto it, and TracPro's row goes.
"""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from tracpro.db.models import Contact, OutboxAction

_MOVE_RECIPIENTS = text("""
INSERT INTO message_recipients (message_id, contact_id)
SELECT message_id, :synced FROM message_recipients WHERE contact_id = :created
ON CONFLICT DO NOTHING
""")

# Actions queued for TracPro's row (an edit made before RapidPro had the contact, say) name it by
# id and, past the creation, by uuid: both become the synced row's.
_MOVE_ACTIONS = text("""
UPDATE outbox_actions
SET payload = payload || jsonb_build_object('contact_id', CAST(:synced AS integer))
    || CASE WHEN payload ? 'uuid' THEN jsonb_build_object('uuid', CAST(:uuid AS text)) ELSE '{}'::jsonb END
WHERE org_id = :org AND payload ? 'contact_id' AND CAST(payload->>'contact_id' AS integer) = :created
""")


def record_created_contact(session: Session, action: OutboxAction) -> None:
    """The create_contact `action` is done (its result holds RapidPro's uuid): the contact's row
    takes the uuid, or gives way to the row a sync stored under it meanwhile."""
    uuid, created = action.result["uuid"], action.payload["contact_id"]
    synced = session.scalar(select(Contact.id).where(Contact.org_id == action.org_id, Contact.uuid == uuid,
                                                     Contact.id != created))
    if synced is None:
        session.execute(update(Contact).where(Contact.id == created).values(uuid=uuid, rapidpro_status="active"))
        return
    session.execute(_MOVE_RECIPIENTS, {"synced": synced, "created": created})
    session.execute(_MOVE_ACTIONS, {"synced": synced, "uuid": uuid, "org": action.org_id, "created": created})
    session.expire(action, ["payload"])  # the statement above rewrote it too
    session.execute(delete(Contact).where(Contact.id == created))
