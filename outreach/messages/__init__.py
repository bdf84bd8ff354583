"""Messages out: e-mail to coordinators and faith leaders, through an outbox that never loses or doubles one.

- `outbox`: the message rows, queued in the event's own transaction; the admin's lists and retry;
- `notices`: who gets what (restock calls it; it subscribes to the shipment events);
- `schedule`: low stock, unconfirmed deliveries, the daily digest (checked by the sender);
- `templates` (+ `bidi`): what each message says, in the organization's language;
- `preferences`: coordinators' settings, organizations' opt-outs, the one-click unsubscribe;
- `sender` and `smtp`: delivery with retries and backoff, one sender per deployment (a lease row);
- `calendar`: the signed ICS feed of deliveries; `routes`: the HTTP routes; `tokens`: signed tokens.

`python -m outreach.messages send [--loop]` runs the sender from the command line.
"""
