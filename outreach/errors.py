"""One small error hierarchy, raised low and shown once by `outreach.ui.widgets.show_error`.

Every message names the offending value and says what to do about it.
"""


class OutreachError(Exception):
    """Base of every error a user can cause and fix."""

    title = "Something needs attention"


class InvalidInput(OutreachError):
    title = "Please check the input"


class NotFound(OutreachError):
    title = "Not found"


class OutOfStock(OutreachError):
    title = "Not enough stock"


class Conflict(OutreachError):
    """Someone else changed the thing first (a double shipment, a claimed request, a stale form)."""

    title = "Already changed"


class PermissionDenied(OutreachError):
    title = "Not allowed"


class AuthenticationFailed(OutreachError):
    title = "Sign-in failed"


class RateLimited(OutreachError):
    title = "Too many requests"


class GeocodingError(OutreachError):
    title = "Address lookup failed"
