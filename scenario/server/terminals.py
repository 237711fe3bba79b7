"""Terminal tabs T1, T2... of one learner session: terminado's named PTYs over the sandbox's shell."""

from __future__ import annotations

import asyncio
from typing import Any

from terminado.management import NamedTermManager, PtyWithClients

from scenario.sandbox.base import Sandbox
from scenario.server.keys import CTRL_C

INTERRUPT_PAUSE = 0.15  # seconds between Ctrl-C and the text, so the tty's input flush spares the text
MAX_TERMINALS = 8


class LearnerTermManager(NamedTermManager):
    """Named terminals ("1", "2"...) that run the sandbox's shell; a dead one is replaced on next use."""

    def __init__(self, sandbox: Sandbox) -> None:
        settings: dict[str, Any] = {}
        if sandbox.shell_cwd():
            settings["cwd"] = sandbox.shell_cwd()
        super().__init__(
            shell_command=sandbox.shell_argv(),
            extra_env=sandbox.shell_env(),
            term_settings=settings,
            max_terminals=MAX_TERMINALS,
        )

    def get_terminal(self, term_name: str) -> PtyWithClients:  # type: ignore[override]
        """The terminal named `term_name`, started on first use or when its shell has exited."""
        term = self.terminals.get(term_name)
        if term is not None and (term.ptyproc.closed or not term.ptyproc.isalive()):
            del self.terminals[term_name]
        result: PtyWithClients = super().get_terminal(term_name)
        return result

    def client_count(self) -> int:
        """How many websockets are attached to this session's terminals."""
        return sum(len(term.clients) for term in self.terminals.values())


async def type_into(term: PtyWithClients, writes: list[str]) -> None:
    """Write each chunk to the terminal, pausing after a Ctrl-C so the text that follows survives."""
    for chunk in writes:
        term.ptyproc.write(chunk)
        if chunk == CTRL_C and len(writes) > 1:
            await asyncio.sleep(INTERRUPT_PAUSE)
