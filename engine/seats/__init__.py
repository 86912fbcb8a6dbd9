"""People and seats: accounts (users), the seats they hold (assignments), passwords and logins
(auth), and their own settings (preferences)."""

from engine.seats import keys
from engine.seats.assignments import holders, holds, roles_of, seat, seats_held, seats_of, seats_version, unseat
from engine.seats.users import actor_for, create_user, get_user, list_users, set_active, set_password
from forms.vocabulary import COMMANDER, START_ROLES

__all__ = [
    "COMMANDER",
    "START_ROLES",
    "actor_for",
    "create_user",
    "get_user",
    "holders",
    "keys",
    "holds",
    "list_users",
    "roles_of",
    "seat",
    "seats_held",
    "seats_of",
    "seats_version",
    "set_active",
    "set_password",
    "unseat",
]
