"""A scripted card for the ICAO protocol tests: asserts each command's exact bytes, replies given bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from station.readers.icao.apdu import CommandAPDU, ResponseAPDU

Reply = bytes | Callable[[CommandAPDU], ResponseAPDU] | BaseException


@dataclass
class ScriptedCard:
    """Each step is (expected command bytes or None for "any", reply bytes / callable / exception)."""

    steps: list[tuple[bytes | None, Reply]]
    max_apdu_data: int = 256
    sent: list[bytes] = field(default_factory=list)

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        raw = command.to_bytes()
        self.sent.append(raw)
        assert self.steps, f"unexpected extra command {raw.hex().upper()}"
        expected, reply = self.steps.pop(0)
        if expected is not None:
            assert raw.hex().upper() == expected.hex().upper(), "command bytes differ from the script"
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            return reply(command)
        return ResponseAPDU.from_bytes(reply)

    def done(self) -> bool:
        return not self.steps


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))
