"""The checker: run a scenario's scripts and snippets in a sandbox as a learner would, and judge each one."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

from scenario.check_plan import CheckOptions, Click, PageRun, control_bytes, edited, editor_path, plan, typed
from scenario.check_report import Outcome, PageTime, Report, Status
from scenario.check_shell import CommandResult, Shell, ShellError
from scenario.errors import ScenarioError
from scenario.model import EditorBlock, Scenario, Snippet, SourceLocation
from scenario.readers.common import display_path
from scenario.sandbox.assets import HOSTS as ASSET_HOSTS
from scenario.sandbox.assets import install_asset
from scenario.sandbox.base import Sandbox

__all__ = ["REQUIREMENTS", "CheckOptions", "Checker"]

REQUIREMENTS = ("docker", "kubernetes")
_PROBES = {
    "docker": "docker version",
    "kubernetes": "kubectl version --request-timeout=5s",
}


class Checker:
    """Runs one scenario in one sandbox; each result goes to `report` and to `on_outcome` as it comes."""

    def __init__(
        self,
        scenario: Scenario,
        sandbox: Sandbox,
        options: CheckOptions,
        on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    ) -> None:
        self.scenario = scenario
        self.sandbox = sandbox
        self.options = options
        self.on_outcome = on_outcome
        self.report = Report(scenario.title, scenario.time)
        self.shells: dict[int, Shell] = {}
        self._available: dict[str, bool] = {}
        self._label = "intro"
        self._title = ""

    # -- running ---------------------------------------------------------------------------------
    def run(self) -> Report:
        """Install the assets, then run every page; always stops the shells it started."""
        runs = plan(self.scenario, self.options)
        try:
            self._label, self._title = (runs[0].label, runs[0].page.title) if runs else ("intro", "")
            started = time.monotonic()
            self._install_assets()
            for index, page_run in enumerate(runs):
                self._run_page(page_run, started if index == 0 else time.monotonic())
        finally:
            self.close()
        return self.report

    def _install_assets(self) -> None:
        for asset in self.scenario.assets:
            if asset.host not in ASSET_HOSTS:
                continue
            location = asset.location or SourceLocation("scenario.yaml")
            where = f"{location.path}:{location.line}"
            action = f"asset {asset.file} -> {asset.target}"
            started = time.monotonic()
            try:
                files = install_asset(self.scenario.root, asset, self.sandbox)
            except (ScenarioError, OSError) as error:  # AssetError, or the sandbox failing
                self._record(where, action, Status.FAILED, started, reason=str(error))
                continue
            listing = "\n".join(f"{item.target} ({item.mode:o})" for item in files)
            self._record(where, action, Status.PASSED, started, output=listing)

    def _run_page(self, page_run: PageRun, started: float) -> None:
        page = page_run.page
        self._label, self._title = page_run.label, page.title
        missing = self._missing(page.requires)
        if missing:
            self._skip_page(page_run, missing)
        else:
            self._run_scripts_and_snippets(page_run)
        self.report.times.append(PageTime(page_run.label, page.title, time.monotonic() - started))

    def _run_scripts_and_snippets(self, page_run: PageRun) -> None:
        page = page_run.page
        if page.background:
            self._background(page.background)
        if page.foreground:
            self._foreground(page.foreground)
        if page.verify and self.options.verify_fails_first:
            self._verify(page.verify, before=True)
        for click in page_run.clicks:
            if click.editor is not None:
                self._editor(click.editor)
            else:
                self._snippet(click)
        if page.verify:
            self._verify(page.verify, before=False)

    def _skip_page(self, page_run: PageRun, missing: tuple[str, ...]) -> None:
        page = page_run.page
        for name, path in (("background", page.background), ("foreground", page.foreground)):
            if path:
                where = self._script_location(path)
                self._record(where, name, Status.SKIPPED, time.monotonic(), missing=missing)
        for click in page_run.clicks:
            if click.snippet is not None:
                self._record_snippet(click.snippet, Status.SKIPPED, time.monotonic(), missing=missing)
            elif click.editor is not None:
                where, action = self._editor_names(click.editor)
                self._record(where, action, Status.SKIPPED, time.monotonic(), missing=missing)
        if page.verify:
            where = self._script_location(page.verify)
            self._record(where, "verify", Status.SKIPPED, time.monotonic(), missing=missing)

    # -- scripts ---------------------------------------------------------------------------------
    def _script_location(self, path: str) -> str:
        return f"{display_path(self.scenario.root, path)}:1"

    def _script_text(self, path: str) -> str | None:
        try:
            return (self.scenario.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def _background(self, path: str) -> None:
        started = time.monotonic()
        where = self._script_location(path)
        text = self._script_text(path)
        if text is None:
            self._record(where, "background", Status.FAILED, started, reason="script not found")
            return
        result = self.sandbox.run_script(text, timeout=self.options.timeout)
        reason = self._script_reason(result.exit_code, result.timed_out)
        status = Status.PASSED if not reason else Status.FAILED
        self._record(where, "background", status, started, reason=reason, output=result.output)

    def _foreground(self, path: str) -> None:
        started = time.monotonic()
        where = self._script_location(path)
        text = self._script_text(path)
        if text is None:
            self._record(where, "foreground", Status.FAILED, started, reason="script not found")
            return
        try:
            result = self.shell(1).run(text.rstrip("\n"), self.options.timeout)
        except ShellError as error:
            self._record(where, "foreground", Status.FAILED, started, reason=str(error))
            return
        reason = self._judge(result, None, None)
        status = Status.PASSED if not reason else Status.FAILED
        self._record(
            where,
            "foreground",
            status,
            started,
            reason=reason,
            output=result.output,
            command=text.rstrip("\n"),
            visible=True,
        )

    def _verify(self, path: str, before: bool) -> None:
        started = time.monotonic()
        where = self._script_location(path)
        action = "verify (before the work)" if before else "verify"
        text = self._script_text(path)
        if text is None:
            self._record(where, action, Status.FAILED, started, reason="script not found")
            return
        result = self.sandbox.run_script(text, timeout=self.options.timeout)
        if before:
            reason = "verify passed before the work" if result.ok else ""
        elif result.timed_out:
            reason = f"verify failed: timed out after {self.options.timeout:g} s"
        else:
            reason = "" if result.ok else f"verify failed: exit {result.exit_code}"
        status = Status.FAILED if reason else Status.PASSED
        self._record(where, action, status, started, reason=reason, output=result.output)

    def _script_reason(self, exit_code: int, timed_out: bool) -> str:
        if timed_out:
            return f"timed out after {self.options.timeout:g} s"
        return "" if exit_code == 0 else f"exit {exit_code}"

    # -- snippets --------------------------------------------------------------------------------
    def _editor(self, block: EditorBlock) -> None:
        """Do what a click on "copy to editor" does: change the file in the sandbox."""
        started = time.monotonic()
        path = editor_path(block, self.scenario.environment.editor_path)
        where, action = self._editor_names(block)
        try:
            try:
                current: str | None = self.sandbox.read_file(path).decode("utf-8", errors="replace")
            except FileNotFoundError:
                current = None
            self.sandbox.write_file(path, edited(current, block).encode())
        except (OSError, ValueError, ScenarioError) as error:
            self._record(where, action, Status.FAILED, started, reason=str(error))
            return
        self._record(where, action, Status.PASSED, started)

    def _editor_names(self, block: EditorBlock) -> tuple[str, str]:
        """An editor block's `path:line` and action (`editor append /root/app.py`)."""
        path = editor_path(block, self.scenario.environment.editor_path)
        return f"{block.location.path}:{block.location.line}", f"editor {block.target} {path}"

    def _snippet(self, item: Click) -> None:
        snippet = item.snippet
        assert snippet is not None
        started = time.monotonic()
        missing = self._missing(snippet.requires)
        if missing:
            self._record_snippet(snippet, Status.SKIPPED, started, missing=missing)
            return
        if snippet.host not in (None, 1):
            reason = f"runs on HOST{snippet.host}, a machine this sandbox does not have"
            self._record_snippet(snippet, Status.SKIPPED, started, reason=reason)
            return
        try:
            shell = self._terminal_for(snippet)
        except ShellError as error:
            self._record_snippet(snippet, Status.FAILED, started, reason=str(error))
            return
        if snippet.ctrl_seq or snippet.no_newline:
            self._type_keys(shell, snippet)
            self._record_snippet(snippet, Status.PASSED, started)
            return
        result = self._execute(shell, item)
        reason = self._judge(result, snippet.expect, snippet.expect_exit)
        if result.timed_out:
            self._interrupt(snippet.terminal)
        status = Status.FAILED if reason else Status.PASSED
        self._record_snippet(snippet, status, started, reason=reason, output=result.output)

    def _terminal_for(self, snippet: Snippet) -> Shell:
        """The snippet's terminal, after Ctrl-C when the snippet asks for it."""
        self.shell(snippet.terminal)
        if snippet.interrupt:
            self._interrupt(snippet.terminal)
        return self.shell(snippet.terminal)

    def _type_keys(self, shell: Shell, snippet: Snippet) -> None:
        """Type a ctrl-seq or no-newline snippet as it is; after a Ctrl-C, wait for the shell to answer."""
        keys = control_bytes(snippet.text) if snippet.ctrl_seq else snippet.text
        shell.type_only(keys)
        if "\x03" in keys:
            shell.sync(min(10.0, self.options.timeout))

    def _execute(self, shell: Shell, item: Click) -> CommandResult:
        """Type the snippet; wait for it to end, or (left running) for its expect or a short grace."""
        snippet = item.snippet
        assert snippet is not None
        token = shell.start(typed(snippet.text))
        if not item.left_running:
            return shell.wait(token, self.options.timeout)
        if snippet.expect is not None:  # wait until it says it is ready, or fails
            result = shell.wait(token, self.options.timeout, until=_compile(snippet.expect))
        else:  # give it a moment to fail
            result = shell.wait(token, min(self.options.grace, self.options.timeout))
        return CommandResult(result.output, None, running=True) if result.timed_out else result

    def _judge(self, result: CommandResult, expect: str | None, expect_exit: int | None) -> str:
        """Why the result fails ("" when it passes): timeout, exit status, output mismatch."""
        if result.timed_out:
            return f"timed out after {self.options.timeout:g} s"
        if result.exit_code is None and not result.running:
            return "the terminal's shell exited"
        if result.exit_code is not None:
            wanted = 0 if expect_exit is None else expect_exit
            if result.exit_code != wanted:
                return f"exit {result.exit_code}" + ("" if expect_exit is None else f", expected {wanted}")
        if expect is not None and not _compile(expect).search(result.output):
            return f"output did not match /{expect}/"
        return ""

    def _interrupt(self, terminal: int) -> None:
        """Ctrl-C in a terminal; a shell that does not come back is replaced by a fresh one."""
        shell = self.shells[terminal]
        if not shell.interrupt(timeout=min(10.0, 3 * self.options.timeout)):
            shell.close()
            del self.shells[terminal]

    def shell(self, terminal: int) -> Shell:
        """The persistent shell of terminal `terminal`, started on first use (and again if it died)."""
        shell = self.shells.get(terminal)
        if shell is None or not shell.alive:
            if shell is not None:
                shell.close()
            self.shells.pop(terminal, None)
            env = dict(os.environ)
            env.update(self.sandbox.shell_env())
            try:
                shell = Shell(self.sandbox.shell_argv(), env, self.sandbox.shell_cwd(), name=f"T{terminal}")
            except OSError as error:
                raise ShellError(f"the shell in T{terminal} did not start: {error}") from error
            self.shells[terminal] = shell
            shell.prepare()
        return shell

    # -- requirements ----------------------------------------------------------------------------
    def _missing(self, needs: tuple[str, ...]) -> tuple[str, ...]:
        """The requirements in `needs` that the sandbox does not offer."""
        return tuple(name for name in needs if not self.available(name))

    def available(self, name: str) -> bool:
        """Whether the sandbox offers `name` (docker: `docker version` answers; kubernetes: a cluster)."""
        if name not in self._available:
            probe = _PROBES.get(name)
            self._available[name] = bool(probe) and self.sandbox.run_script(probe or "", timeout=30).ok
        return self._available[name]

    # -- results ---------------------------------------------------------------------------------
    def _record_snippet(
        self,
        snippet: Snippet,
        status: Status,
        started: float,
        reason: str = "",
        output: str = "",
        missing: tuple[str, ...] = (),
    ) -> None:
        flags = [
            name for name, on in (("interrupt", snippet.interrupt), ("ctrl-seq", snippet.ctrl_seq)) if on
        ]
        action = " ".join([f"execute T{snippet.terminal}", *flags])
        where = f"{snippet.location.path}:{snippet.location.line}"
        self._record(
            where,
            action,
            status,
            started,
            reason=reason,
            output=output,
            command=typed(snippet.text),
            visible=True,
            terminal=snippet.terminal,
            missing=missing,
        )

    def _record(
        self,
        where: str,
        action: str,
        status: Status,
        started: float,
        *,
        reason: str = "",
        output: str = "",
        command: str = "",
        visible: bool = False,
        terminal: int = 1,
        missing: tuple[str, ...] = (),
    ) -> None:
        if missing:
            status = Status.FAILED if set(missing) & self.options.require else Status.SKIPPED
            verb = "is" if len(missing) == 1 else "are"
            reason = f"needs {', '.join(missing)}, which {verb} not available"
            if status is Status.FAILED:
                reason += " (--require)"
        outcome = Outcome(
            self._label,
            self._title,
            where,
            action,
            status,
            0.0 if missing else time.monotonic() - started,  # nothing ran
            reason,
            output,
            command,
            visible,
            terminal,
        )
        self.report.outcomes.append(outcome)
        self.on_outcome(outcome)

    def close(self) -> None:
        """Stop every shell (and what runs in it)."""
        for shell in self.shells.values():
            shell.close()
        self.shells.clear()


def _compile(expect: str) -> re.Pattern[str]:
    return re.compile(expect, re.MULTILINE)
