"""Tools for department officers: catalog upload, export, shopper report triage, figures.

Every entry point checks ``is_admin`` first; the core answers non-admins exactly as it
answers an unknown command or an out-of-date button, so nothing leaks.
"""

from bot.admin.desk import ADMIN_COMMANDS, AdminDesk

__all__ = ["ADMIN_COMMANDS", "AdminDesk"]
