"""Restock requests from faith leaders, from link to delivery.

- `links`: private restock links (hashed tokens), QR codes, the HTML poster;
- `submission`: a request through a link or by a coordinator (idempotent, rate-limited);
- `triage`: claim, approve (reserve stock), substitute, reject, cancel;
- `fulfilment`: the only writer of a request's status once stock moves (fulfil once, shipped, delivered);
- `queue`: reads for the coordinators' queue, a leader's own list, the CSV export;
- `demo`: demo requests at every stage, through the same verbs.
"""
