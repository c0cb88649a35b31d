"""Actions for RapidPro, stored before they are sent: see tracpro.outbox.pusher."""
