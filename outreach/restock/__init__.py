"""Restock requests from faith leaders, from link to delivery.

- `links`: private restock links (hashed tokens), QR codes, the HTML poster;
- `submission`: a request through a link or by a coordinator (idempotent, rate-limited);
- `triage`: claim, approve (reserve stock), substitute, reject, cancel;
- `fulfilment`: a shipment once per request, then the only writer of the request's status as that shipment
  is shipped, delivered or cancelled (it hears the shipment events);
- `queue`: reads for the coordinators' queue, a leader's own list, the CSV export;
- `demo`: demo requests at every stage, through the same verbs.
"""
