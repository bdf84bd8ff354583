"""Shipments to organizations.

- `steps`: draft -> packed -> shipped -> delivered, and cancel; each step one guarded transaction;
- `events`: what a step reports (shipped, delivered, cancelled), heard in the step's transaction (restock
  fulfilment follows a request's shipment this way; shipments never import restock);
- `reads`: the shipments list, a shipment's lines, the organizations a shipment can go to;
- `totals`: shipment lines summed per stock unit x depot x area x stage, kept by the steps (what the dashboard,
  coverage and planner read); `python -m outreach.shipments.totals check|rebuild`.
"""
