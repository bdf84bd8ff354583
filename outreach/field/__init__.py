"""Field work: what comes back from the organizations after a parcel leaves the depot.

`receipts` (the packing slip's code, "we received it", mismatches), `handouts` (handed out and left, one row
per report), `forecast` (handout rates and run-out dates), `followup` (silent organizations, call notes).
"""
