"""Every session-state and widget key, in one place (so tests can find widgets by key)."""

# session state
USER = "kyr_user"  # {"username", "display_name", "role"} once signed in
LAST_SEEN = "kyr_last_seen"  # epoch seconds of the last interaction (idle timeout)
FLASH = "kyr_flash"  # a confirmation to show after st.rerun()

# sign-in
SIGN_IN_FORM = "sign_in_form"
SIGN_IN_USERNAME = "sign_in_username"
SIGN_IN_PASSWORD = "sign_in_password"
SIGN_OUT = "sign_out"

# inventory
INV_FILTER_LANGUAGE = "inv_filter_language"
INV_FILTER_MATERIAL = "inv_filter_material"
INV_FILTER_DEPOT = "inv_filter_depot"
INV_RECEIVE_FORM = "inv_receive_form"
INV_RECEIVE_UNIT = "inv_receive_unit"
INV_RECEIVE_DEPOT = "inv_receive_depot"
INV_RECEIVE_QTY = "inv_receive_qty"
INV_RECEIVE_REF = "inv_receive_ref"
INV_ADJUST_FORM = "inv_adjust_form"
INV_ADJUST_UNIT = "inv_adjust_unit"
INV_ADJUST_DEPOT = "inv_adjust_depot"
INV_ADJUST_QTY = "inv_adjust_qty"
INV_ADJUST_REASON = "inv_adjust_reason"
INV_COUNT_FORM = "inv_count_form"
INV_COUNT_UNIT = "inv_count_unit"
INV_COUNT_DEPOT = "inv_count_depot"
INV_COUNT_QTY = "inv_count_qty"
INV_TRANSFER_FORM = "inv_transfer_form"
INV_TRANSFER_UNIT = "inv_transfer_unit"
INV_TRANSFER_FROM = "inv_transfer_from"
INV_TRANSFER_TO = "inv_transfer_to"
INV_TRANSFER_QTY = "inv_transfer_qty"
INV_THRESHOLD_FORM = "inv_threshold_form"
INV_THRESHOLD_UNIT = "inv_threshold_unit"
INV_THRESHOLD_QTY = "inv_threshold_qty"
INV_HISTORY_KIND = "inv_history_kind"

# shipments
SHIP_NEW_FORM = "ship_new_form"
SHIP_NEW_ORG = "ship_new_org"
SHIP_NEW_DEPOT = "ship_new_depot"
SHIP_NEW_NOTE = "ship_new_note"
SHIP_NEW_LINES = "ship_new_lines"  # data editor
SHIP_FILTER_STATUS = "ship_filter_status"
SHIP_FILTER_BOROUGH = "ship_filter_borough"
SHIP_FILTER_LANGUAGE = "ship_filter_language"
SHIP_SELECTED = "ship_selected"
SHIP_ACTION_FORM = "ship_action_form"
SHIP_ACTION = "ship_action"
SHIP_CANCEL_REASON = "ship_cancel_reason"

# dashboard
DASH_TARGET = "dash_target"
