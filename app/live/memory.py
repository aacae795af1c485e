"""The in-process hub: the embedded default (one process, SQLite)."""

from sqlalchemy.orm import Session

from app.live.hub import Event, Hub


class MemoryHub(Hub):
    async def publish(self, event: Event) -> None:
        self._call_in_loop(self._fan_out, event)

    def before_commit(self, session: Session, event: Event) -> None:
        """Nothing to do until the change is committed: then it is handed to the loop."""

    def after_commit(self, event: Event) -> None:
        self._call_in_loop(self._fan_out, event)
