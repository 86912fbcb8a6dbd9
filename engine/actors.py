"""Who is acting: every command names its actor, and the audit log records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    username: str
    user_id: int | None = None
    is_admin: bool = False

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The engine itself (timer worker, demo setup): may do what the process demands."""
        return cls(username=f"system:{name}", user_id=None, is_admin=True)

    @property
    def is_system(self) -> bool:
        return self.user_id is None and self.username.startswith("system:")


#: The timer worker: tasks it opens were opened by a deadline passing (an escalation).
TIMER_WORKER = Actor.system("timer-worker")
