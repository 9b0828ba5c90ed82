"""The app's net: no error in a render, a handler or a timer ends the app, or the run.

The charts contain their own drawing errors (:mod:`torchplay.tui.app.widgets.contained`);
this net catches the rest, once the app is up (Textual's ``Ready``):

- every widget's render (the status line, the footer, Textual's own widgets): its area
  shows ``error: ...; details in LOG`` and the next repaint tries again;
- every message handler, of the app and of each widget and screen (a key's action, a
  button's handler): Textual would end the app, or stop that widget's message loop;
- the engine's events (:meth:`~torchplay.tui.app.app.PlaygroundApp.consume_events`), timers
  and workers, which Textual hands to ``App._handle_exception``.

Each error is logged with its traceback in the drawing-error log
(:func:`torchplay.tui.draw.contain.log_path`), shown once as a toast
``error: ValueError: ...; details in LOG``, and the app and its run go on. A failing
compose or mount, and any error before the app is up, is fatal as before: the engine keeps
the run in a recovery checkpoint first (:mod:`torchplay.tui.app.actions.recovery`).

Written against Textual 8.2.8's private hooks (``App._handle_exception``,
``MessagePump._dispatch_message``, ``App._register``; pinned in constraints.txt):
tests/tui/test_appnet.py fails if they move.

The test hook is :data:`~torchplay.tui.draw.contain.FAULT_ENV`: a widget's id (``status``,
``footer``...) fails its render, a handler's name (``on_key``, ``on_button_pressed``)
fails the app's handling of that message.
"""

from __future__ import annotations

import sys

from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from torchplay.tui.app.widgets.contained import Contained, failed_lines
from torchplay.tui.draw.contain import fault, record

SURVIVED: list[str] = []
"""Every error the net caught in this process, as its toast's line: the tests' check that
none slipped by unseen (tests/tui/conftest.py)."""

FATAL_CALLERS = frozenset({"_pre_process", "_compose", "_process_messages"})
"""Where Textual reports a compose or mount that failed, or the app's own start and end
(the caller of ``App._handle_exception`` in Textual 8.2.8): these still end the app."""


class AppNet:
    """Mixin for the app (before ``App`` in the bases); the app provides ``client``,
    ``quitting`` and ``notify``."""

    net_open = False
    """The app is up (Textual's ``Ready`` handled): from here an error is survived."""
    net_torn = False
    """A fatal error came: the app ends, and the net stays closed."""

    def survive(self, error: BaseException, where: str, doing: str = "handling") -> None:
        """Log ``error`` with its traceback and show it once as a toast; the app goes on."""
        line = record(where, error, label="error", doing=doing)
        if line in SURVIVED:
            return  # a timer or a render failing each time: one toast, one log entry
        SURVIVED.append(line)
        try:
            self.notify(line, severity="error", timeout=10)
        except Exception as failed:  # noqa: BLE001 - the toast itself failed: log that
            record("toast", failed, label="error", doing="showing")

    def _handle_exception(self, error: Exception) -> None:
        """Textual's last resort: survive what the net can, else save the run and end."""
        caller = sys._getframe(1)
        pump = caller.f_locals.get("self")
        fatal = (
            not self.net_open
            or self._exit
            or caller.f_code.co_name in FATAL_CALLERS
            or (caller.f_code.co_name == "_process_messages_loop" and pump is self)
        )
        if not fatal:
            self.survive(error, caller.f_code.co_name, doing="in")
            return
        if not self.net_torn:  # the first fatal error: keep the run before the app ends
            self.net_open, self.net_torn = False, True  # a half-built screen's errors too
            try:
                self.client.close(recover=not self.quitting)
            except Exception:  # noqa: BLE001 - ending anyway; the engine saves on EOF too
                pass
        super()._handle_exception(error)

    async def _dispatch_message(self, message) -> None:
        """The app's own handlers (its keys' actions among them), once it is up."""
        if not self.net_open or isinstance(message, (events.Compose, events.Mount)):
            await super()._dispatch_message(message)
            if isinstance(message, events.Ready) and not self.net_torn:
                self.net_open = True
            return
        try:
            fault(message.handler_name)
            await super()._dispatch_message(message)
        except Exception as error:  # noqa: BLE001 - the net: logged and shown
            self.survive(error, message.handler_name)

    def _register(self, parent, *widgets: Widget, **kwargs) -> list[Widget]:
        """Every widget and screen gets the net as it is registered (before its message
        loop starts)."""
        for widget in widgets:
            guard(self, widget)
        return super()._register(parent, *widgets, **kwargs)


def guard(app: AppNet, widget: Widget) -> None:
    """Put the net around ``widget``'s handlers and (unless it contains its own errors)
    its render, as attributes of this one widget."""
    if "_dispatch_message" in vars(widget):
        return  # registered before (moved)
    dispatch, render = widget._dispatch_message, widget.render_lines

    async def dispatch_guarded(message) -> None:
        if not app.net_open or isinstance(message, (events.Compose, events.Mount)):
            await dispatch(message)  # a failing compose or mount ends the app (saved)
            return
        try:
            await dispatch(message)
        except Exception as error:  # noqa: BLE001 - the net: logged and shown
            app.survive(error, f"{where(widget)} {message.handler_name}")

    def render_guarded(crop: Region) -> list[Strip]:
        try:
            fault(where(widget))
            return render(crop)
        except Exception as error:  # noqa: BLE001 - drawn as one line, logged, shown
            line = record(where(widget), error, label="error")
            app.call_later(app.survive, error, where(widget), "drawing")
            return failed_lines(line, crop.width, crop.height)

    widget._dispatch_message = dispatch_guarded
    if not isinstance(widget, Contained):
        widget.render_lines = render_guarded


def where(widget: Widget) -> str:
    """A widget's name in the log and the test hook: its id, else its class."""
    return widget.id or type(widget).__name__.lower()
