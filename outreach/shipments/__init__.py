"""Shipments to organizations.

- `steps`: draft -> packed -> shipped -> delivered, and cancel; each step one guarded transaction;
- `reads`: the shipments list, a shipment's lines, what the pages show;
- `totals`: shipment lines summed per stock unit x depot x area x stage, kept by the steps (what the dashboard,
  coverage and planner read); `python -m outreach.shipments.totals check|rebuild`.
"""
