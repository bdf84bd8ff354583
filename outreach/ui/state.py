"""Every session-state and widget key, in one place (so tests can find widgets by key)."""

# session state
USER = "kyr_user"  # {"username", "display_name", "role"} once signed in
LAST_SEEN = "kyr_last_seen"  # epoch seconds of the last interaction (idle timeout)
FLASH = "kyr_flash"  # a confirmation to show after st.rerun()
SESSION_ID = "kyr_session_id"  # this tab's server-side sign-in session (outreach.accounts.sessions)
REFUSED_COOKIE = "kyr_refused_cookie"  # a cookie whose session no longer signs in: not asked again
COOKIE_HAND_OVER = "kyr_cookie_hand_over"  # {"code": ...} to set the cookie, {"code": None} to clear it
NEXT_PAGE = "next"  # query parameter of the sign-in page: the page to open once signed in

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

# --- restock (public page, opened with an organization's private link)
RESTOCK_LANG = "restock_lang"  # the leader's language for this page
RESTOCK_ITEM_LANGS = "restock_item_langs"  # languages of the materials wanted
RESTOCK_FORM = "restock_form"
RESTOCK_PACKS = "restock_packs"  # prefix: f"{RESTOCK_PACKS}_{unit_id}"
RESTOCK_ON_HAND = "restock_on_hand"
RESTOCK_DIGIT_KEYBOARD = "restock_digit_keyboard"  # the script that gives quantity fields a digit keyboard
PAGE_LANGUAGE = "page_language"  # the script that sets lang and dir on the page for the reader's language
RESTOCK_CONTACT_NAME = "restock_contact_name"
RESTOCK_CONTACT_PHONE = "restock_contact_phone"
RESTOCK_NOTE = "restock_note"
RESTOCK_CONFIRM_FORM = "restock_confirm_form"
RESTOCK_BACK = "restock_back"
RESTOCK_ANOTHER = "restock_another"
RESTOCK_STAGE = "restock_stage"  # "form" -> "confirm" -> "done"
RESTOCK_DRAFT = "restock_draft"  # the checked submission (a submission.Draft) waiting for confirmation
RESTOCK_DRAFT_LANGS = "restock_draft_langs"  # the languages picked for that draft, shown again on "back"
RESTOCK_IDEMPOTENCY_KEY = "restock_idempotency_key"  # one per form instance, reused on resubmit
RESTOCK_DONE = "restock_done"  # confirmation number of the request just sent
RESTOCK_ORG = "restock_org"  # organization the state above belongs to (a new link starts afresh)

# --- restock requests (coordinators' queue)
REQ_FILTER_STATUS = "req_filter_status"
REQ_FILTER_BOROUGH = "req_filter_borough"
REQ_FILTER_LANGUAGE = "req_filter_language"
REQ_FILTER_AGE = "req_filter_age"
REQ_SELECTED = "req_selected"
REQ_CLAIM_FORM = "req_claim_form"
REQ_APPROVE_FORM = "req_approve_form"
REQ_APPROVE_DEPOT = "req_approve_depot"
REQ_APPROVE_PACKS = "req_approve_packs"  # prefix: f"{REQ_APPROVE_PACKS}_{line_id}"
REQ_APPROVE_REASON = "req_approve_reason"  # prefix: f"{REQ_APPROVE_REASON}_{line_id}"
REQ_SUBSTITUTE_FORM = "req_substitute_form"
REQ_SUBSTITUTE_LINE = "req_substitute_line"
REQ_SUBSTITUTE_UNIT = "req_substitute_unit"
REQ_SUBSTITUTE_REASON = "req_substitute_reason"
REQ_CLOSE_FORM = "req_close_form"
REQ_CLOSE_ACTION = "req_close_action"
REQ_CLOSE_REASON = "req_close_reason"
REQ_SHIP_FORM = "req_ship_form"
REQ_SHIP_NOTE = "req_ship_note"
REQ_EXPORT = "req_export"
REQ_PHONE_FORM = "req_phone_form"
REQ_PHONE_ORG = "req_phone_org"
REQ_PHONE_PACKS = "req_phone_packs"  # prefix: f"{REQ_PHONE_PACKS}_{unit_id}"
REQ_PHONE_CONTACT_NAME = "req_phone_contact_name"
REQ_PHONE_CONTACT_PHONE = "req_phone_contact_phone"
REQ_PHONE_NOTE = "req_phone_note"
REQ_PHONE_KEY = "req_phone_key"  # idempotency key of the phone-request form instance
REQ_LINK_ORG = "req_link_org"
REQ_LINK_FORM = "req_link_form"
REQ_LINK_ACTION = "req_link_action"
REQ_LINK_NEW = "req_link_new"  # {"organization_id", "token"}: the link just made, shown once
REQ_LINK_HIDE = "req_link_hide"
REQ_LINK_POSTER = "req_link_poster"
REQ_LINK_QR = "req_link_qr"
REQ_SECTION = "req_section"  # the section shown: "queue", "phone" or "links" (only that one runs)

# --- coverage map and allocation planner
COV_LANGUAGE = "cov_language"
COV_METRIC = "cov_metric"
COV_LEVEL = "cov_level"
COV_EXPORT = "cov_export"
PLAN_LANGUAGE = "plan_language"
PLAN_UNIT = "plan_unit"
PLAN_DEPOT = "plan_depot"
PLAN_BUDGET = "plan_budget"  # prefix: f"{PLAN_BUDGET}_{unit_id}_{depot_id}"
PLAN_FORM = "plan_form"
PLAN_NOTE = "plan_note"
PLAN_SHOWN = "plan_shown"  # the plan last shown: {"unit_id", "depot_id", "lines": [(org id, units)]}
PLAN_EXPORT = "plan_export"

# --- directory
DIR_SEARCH = "dir_search"
DIR_FILTER_BOROUGH = "dir_filter_borough"
DIR_FILTER_DISTRICT = "dir_filter_district"
DIR_FILTER_LANGUAGE = "dir_filter_language"
DIR_FILTER_TRADITION = "dir_filter_tradition"
DIR_FILTER_STATUS = "dir_filter_status"
DIR_FILTER_TO_CONFIRM = "dir_filter_to_confirm"  # only organizations whose languages are to confirm
DIR_TABLE = "dir_table"
DIR_EXPORT = "dir_export"
DIR_EDIT_PICK = "dir_edit_pick"  # 0 = a new organization, else the organization id
DIR_EDIT_PENDING = "dir_edit_pending"  # id to select on the next run (set before st.rerun)
DIR_EDIT_LOADED = "dir_edit_loaded"  # (id, updated_at) whose values fill the form
DIR_EDIT_FORM = "dir_edit_form"
DIR_EDIT_NAME = "dir_edit_name"
DIR_EDIT_TRADITION = "dir_edit_tradition"
DIR_EDIT_ADDRESS = "dir_edit_address"
DIR_EDIT_ZIP = "dir_edit_zip"
DIR_EDIT_BOROUGH = "dir_edit_borough"
DIR_EDIT_LANGUAGES = "dir_edit_languages"
DIR_EDIT_PREFERRED = "dir_edit_preferred"
DIR_EDIT_ATTENDANCE = "dir_edit_attendance"
DIR_EDIT_CONTACT_NAME = "dir_edit_contact_name"
DIR_EDIT_CONTACT_PHONE = "dir_edit_contact_phone"
DIR_EDIT_CONTACT_EMAIL = "dir_edit_contact_email"
DIR_EDIT_NOTES = "dir_edit_notes"
DIR_PIN_FORM = "dir_pin_form"
DIR_PIN_LAT = "dir_pin_lat"
DIR_PIN_LON = "dir_pin_lon"
DIR_PIN_NOTE = "dir_pin_note"
DIR_RELOCATE_FORM = "dir_relocate_form"
DIR_STATUS_FORM = "dir_status_form"
DIR_STATUS_REASON = "dir_status_reason"
DIR_HISTORY = "dir_history"
DIR_IMPORT_TEMPLATE = "dir_import_template"
DIR_IMPORT_FILE = "dir_import_file"
DIR_IMPORT_VALID = "dir_import_valid"
DIR_IMPORT_INVALID = "dir_import_invalid"
DIR_IMPORT_FORM = "dir_import_form"
DIR_NOT_ON_MAP = "dir_not_on_map"

# --- trust: audit page, users, single sign-on, backups
AUDIT_ENTITY = "audit_entity"
AUDIT_ACTOR = "audit_actor"
AUDIT_ACTION = "audit_action"
AUDIT_DATES = "audit_dates"
AUDIT_ENTITY_ID = "audit_entity_id"
AUDIT_LIMIT = "audit_limit"
AUDIT_EXPORT = "audit_export"
USERS_NEW_FORM = "users_new_form"
USERS_NEW_USERNAME = "users_new_username"
USERS_NEW_DISPLAY_NAME = "users_new_display_name"
USERS_NEW_EMAIL = "users_new_email"
USERS_NEW_ROLE = "users_new_role"
USERS_NEW_PASSWORD = "users_new_password"
USERS_NEW_PASSWORD_AGAIN = "users_new_password_again"
USERS_MANAGE_FORM = "users_manage_form"
USERS_MANAGE_USER = "users_manage_user"
USERS_MANAGE_ACTION = "users_manage_action"
USERS_MANAGE_ROLE = "users_manage_role"
USERS_MANAGE_PASSWORD = "users_manage_password"
USERS_MAP_FORM = "users_map_form"
USERS_MAP_PATTERN = "users_map_pattern"
USERS_MAP_ROLE = "users_map_role"
USERS_UNMAP_FORM = "users_unmap_form"
USERS_UNMAP_ID = "users_unmap_id"
OIDC_SIGN_IN = "oidc_sign_in"  # + "_" + provider key ("default" for the [auth] section itself)
OIDC_IDENTITY = "oidc_identity"  # who signed in (single sign-on) or out in this session (survives sign-out)
OIDC_CONTINUE = "oidc_continue"
OIDC_LOGOUT = "oidc_logout"
BACKUP_DOWNLOAD = "backup_download"
BACKUP_RESTORE_FORM = "backup_restore_form"
BACKUP_RESTORE_FILE = "backup_restore_file"
BACKUP_RESTORE_CONFIRM = "backup_restore_confirm"
TRANSLATIONS_EXPORT_LANG = "translations_export_lang"  # the language to export for review
TRANSLATIONS_EXPORT = "translations_export"  # its download button
TRANSLATIONS_IMPORT_LANG = "translations_import_lang"  # the language a reviewed file is imported into
TRANSLATIONS_IMPORT_FILE = "translations_import_file"  # the reviewed spreadsheet
TRANSLATIONS_IMPORT_FORM = "translations_import_form"  # reviewer, date, apply
TRANSLATIONS_REVIEWER = "translations_reviewer"
TRANSLATIONS_REVIEWED_ON = "translations_reviewed_on"
TRANSLATIONS_CHANGES = "translations_changes"  # the preview's table of changes
# --- paging and pickers at scale (issue 7); paging adds "_size", "_number", "_filters"
SHIP_PAGE = "ship_page"
SHIP_NEW_ORG_SEARCH = "ship_new_org_search"
INV_HISTORY_PAGE = "inv_history_page"

# --- restock requests (continued): organization search boxes of the queue page
REQ_PHONE_ORG_SEARCH = "req_phone_org_search"
REQ_LINK_ORG_SEARCH = "req_link_org_search"
PLAN_LINES_PAGE = "plan_lines_page"

# --- printable documents (issue 8): PDF downloads for a shipment and the restock poster
DOC_PICK_LIST = "doc_pick_list"
DOC_PACKING_SLIP = "doc_packing_slip"
DOC_POSTER = "doc_poster"

# --- directory and restock queue paging (issue 7): paging keys get "_size", "_number", "_filters"
DIR_PAGE = "dir_page"
REQ_PAGE = "req_page"
COV_TABLE_PAGE = "cov_table_page"
DIR_EDIT_SEARCH = "dir_edit_search"  # past a few hundred organizations, the edit picker searches first

# --- sections chosen with st.segmented_control (only the chosen one runs; the choice survives a write)
INV_SECTION = "inv_section"
USERS_SECTION = "users_section"
DIR_SECTION = "dir_section"  # List / Add or edit / Import / Map: only the chosen one runs

# --- messages (issue 16): the Messages page
MSG_SECTION = "msg_section"
MSG_STATUS = "msg_status"
MSG_SHOW = "msg_show"
MSG_RETRY_FORM = "msg_retry_form"
MSG_RETRY_PICK = "msg_retry_pick"
MSG_RETRY_ALL = "msg_retry_all"
MSG_PREVIEW_KIND = "msg_preview_kind"
MSG_PREVIEW_LANG = "msg_preview_lang"
MSG_MINE_FORM = "msg_mine_form"
MSG_MINE_MODE = "msg_mine_mode"
MSG_MINE_BOROUGHS = "msg_mine_boroughs"
MSG_OPT_ORG = "msg_opt_org"
MSG_OPT_ORG_SEARCH = "msg_opt_org_search"
MSG_OPT_FORM = "msg_opt_form"
MSG_OPT_CHOICE = "msg_opt_choice"
# --- field work (issue 17): parcels confirmed, handouts reported, silent organizations, campaign report
FIELD_RECEIPT_FORM = "field_receipt_form"  # + "_" + shipment id
FIELD_RECEIPT_NAME = "field_receipt_name"  # + "_" + shipment id
FIELD_SHORT_FORM = "field_short_form"  # + "_" + shipment id
FIELD_SHORT_PACKS = "field_short_packs"  # + "_" + shipment id + "_" + stock unit id
FIELD_SHORT_NOTE = "field_short_note"  # + "_" + shipment id
FIELD_RECEIPT_DONE = "field_receipt_done"  # (shipment id, short?) shown once after the write
FIELD_HANDOUT_FORM = "field_handout_form"
FIELD_HANDOUT_UNIT = "field_handout_unit"
FIELD_HANDOUT_OUT = "field_handout_out"  # + "_" + material + "_" + language
FIELD_HANDOUT_LEFT = "field_handout_left"  # + "_" + material + "_" + language
FIELD_HANDOUT_NAME = "field_handout_name"
FIELD_HANDOUT_STAGE = "field_handout_stage"  # form / confirm / done
FIELD_HANDOUT_DRAFT = "field_handout_draft"  # the checked report waiting for "Send"
FIELD_HANDOUT_KEY = "field_handout_key"  # idempotency key of the report being made
FIELD_HANDOUT_SEND = "field_handout_send"
FIELD_HANDOUT_BACK = "field_handout_back"
FIELD_MISMATCH_FORM = "field_mismatch_form"
FIELD_MISMATCH_RECEIPT = "field_mismatch_receipt"
FIELD_MISMATCH_NOTE = "field_mismatch_note"
FIELD_SILENT_FORM = "field_silent_form"
FIELD_SILENT_ORG = "field_silent_org"
FIELD_SILENT_NOTE = "field_silent_note"
FIELD_SILENT_EXPORT = "field_silent_export"
FIELD_SILENT_PAGE = "field_silent_page"  # + "_size" / "_number": the follow-up list's pager
FIELD_STAGE = "field_stage"  # coverage stage picker: delivered / confirmed / handed_out
FIELD_STAGES_OPEN = "field_stages_open"  # the coverage page's stage table, computed only when open
FIELD_REPORT_PDF = "field_report_pdf"
FIELD_REPORT_CSV = "field_report_csv"
FIELD_SILENT_TABLE = "field_silent_table"
FIELD_SHORT_TABLE = "field_short_table"
FIELD_PLAN_STAGE = "field_plan_stage"  # the planner measures gaps by this stage
# --- delivery runs (issue 18): the runs page, delivery windows, the driver's public page
RUN_SECTION = "run_section"  # Runs / Delivery windows
RUN_CHOSEN = "run_chosen"
RUN_NEW_FORM = "run_new_form"
RUN_NEW_DATE = "run_new_date"
RUN_NEW_DEPOT = "run_new_depot"
RUN_NEW_HOURS = "run_new_hours"
RUN_NEW_SPEED = "run_new_speed"
RUN_NEW_SERVICE = "run_new_service"
RUN_DRIVER_FORM = "run_driver_form"
RUN_DRIVER_NAME = "run_driver_name"
RUN_DRIVER_PHONE = "run_driver_phone"
RUN_DRIVER_CAPACITY = "run_driver_capacity"
RUN_ADD_FORM = "run_add_form"
RUN_ADD_SHIPMENTS = "run_add_shipments"
RUN_ADD_ALL = "run_add_all"
RUN_PLAN = "run_plan"
RUN_MOVE_FORM = "run_move_form"
RUN_MOVE_STOP = "run_move_stop"
RUN_MOVE_DRIVER = "run_move_driver"
RUN_MOVE_POSITION = "run_move_position"
RUN_LOCK = "run_lock"
RUN_SEND_OUT = "run_send_out"
RUN_NEW_LINKS = "run_new_links"
RUN_LINKS = "run_links"  # {driver name: link} shown once after they are made
RUN_SHEET = "run_sheet"  # prefix: f"{RUN_SHEET}_{driver_id}"
WIN_ORG = "win_org"
WIN_ORG_SEARCH = "win_org_search"
WIN_FORM = "win_form"
WIN_DAY = "win_day"  # prefix: f"{WIN_DAY}_{weekday}"
WIN_RESET = "win_reset"
WIN_CLOSED_FORM = "win_closed_form"
WIN_CLOSED_DATE = "win_closed_date"
WIN_CLOSED_NOTE = "win_closed_note"
LEADER_HOURS_FORM = "leader_hours_form"
LEADER_HOURS_DAY = "leader_hours_day"  # prefix: f"{LEADER_HOURS_DAY}_{weekday}"
LEADER_HOURS_SAVED = "leader_hours_saved"
DRIVER_LANG = "driver_lang"
DRIVER_DELIVERED = "driver_delivered"  # prefix: f"{DRIVER_DELIVERED}_{stop_id}"
DRIVER_NOT_DELIVERED = "driver_not_delivered"  # prefix: f"{DRIVER_NOT_DELIVERED}_{stop_id}"
DRIVER_REASON = "driver_reason"  # prefix: f"{DRIVER_REASON}_{stop_id}"
DRIVER_FLASH = "driver_flash"
