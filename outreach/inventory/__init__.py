"""The stock ledger: receive, adjust, count, transfer, reserve; balances derived from movements.

- `ledger`: the one way stock changes, one audited transaction per verb, negative stock impossible;
- `items`: editions, stock units, depots and low-stock thresholds;
- `reads`: stock levels, balances, history and the ledger totals that check them.
"""

from outreach.inventory.items import (
    create_edition,
    create_location,
    ensure_unit,
    retire_edition,
    set_low_stock_threshold,
)
from outreach.inventory.ledger import (
    adjust,
    apply_movement,
    available,
    balance,
    count,
    load_depot,
    load_unit,
    receive,
    release,
    require_active,
    reserve,
    transfer,
    unit_label,
)
from outreach.inventory.reads import (
    available_per_depot,
    balances,
    editions,
    ledger_totals,
    locations,
    movements,
    stock_levels,
    units,
)

__all__ = [
    "adjust",
    "apply_movement",
    "available",
    "available_per_depot",
    "balance",
    "balances",
    "count",
    "create_edition",
    "create_location",
    "editions",
    "ensure_unit",
    "ledger_totals",
    "load_depot",
    "load_unit",
    "locations",
    "movements",
    "receive",
    "release",
    "require_active",
    "reserve",
    "retire_edition",
    "set_low_stock_threshold",
    "stock_levels",
    "transfer",
    "unit_label",
    "units",
]
