"""A notebook's kernel until it answers (issue 18): the handshake of jupyter_client's
``wait_for_ready`` without its 0.2 s wait for silence on IOPub after every start; and its end,
left to run while the renderer makes the notebook's page."""

from __future__ import annotations

import asyncio
from queue import Empty
from typing import Any

import pytest

from bulletin.render.kernel_run import (
    KernelRun,
    StartedKernel,
    await_endings,
    end_or_hand_over,
    wait_until_ready,
)


class _Channel:
    def __init__(self, messages: list[Any], log: list[str], name: str) -> None:
        self.messages, self.log, self.name = list(messages), log, name

    async def get_msg(self, timeout: float) -> dict[str, Any]:
        self.log.append(f"{self.name} read")
        message = self.messages.pop(0) if self.messages else None
        if message is None:
            self.log.append(f"{self.name} waited {timeout:g} s for nothing")
            raise Empty
        return message


class _Client:
    """A kernel client whose channels hold the given messages (None: nothing comes in time)."""

    def __init__(self, shell: list[Any], iopub: list[Any], alive: bool = True) -> None:
        self.log: list[str] = []
        self.shell_channel = _Channel(shell, self.log, "shell")
        self.iopub_channel = _Channel(iopub, self.log, "iopub")
        self.alive, self.requests, self.handled = alive, 0, []

    def kernel_info(self) -> str:
        self.requests += 1
        self.log.append(f"kernel_info r{self.requests}")
        return f"r{self.requests}"

    async def is_alive(self) -> bool:
        return self.alive

    def _handle_kernel_info_reply(self, message: dict[str, Any]) -> None:
        self.handled.append(message)


REPLY = {"msg_type": "kernel_info_reply", "content": {"protocol_version": "5.3"}}
WELCOME = {"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}


def _status(state: str, request: str) -> dict[str, Any]:
    return {"msg_type": "status", "content": {"execution_state": state},
            "parent_header": {"msg_id": request}}


def test_a_kernel_whose_iopub_just_connected_is_ready_without_waiting():
    client = _Client([REPLY], [WELCOME, _status("busy", "r0")])
    asyncio.run(wait_until_ready(client, 60))
    assert client.log == ["kernel_info r1", "shell read", "iopub read"]
    assert client.handled == [REPLY]


def test_a_kernel_busy_with_the_request_is_read_until_it_is_idle():
    client = _Client([REPLY], [_status("busy", "r1"), _status("idle", "r1"), _status("busy", "x")])
    asyncio.run(wait_until_ready(client, 60))
    assert client.log == ["kernel_info r1", "shell read", "iopub read", "iopub read"]
    assert client.iopub_channel.messages == [_status("busy", "x")]  # not read: not the handshake's


def test_a_kernel_still_busy_after_its_reply_is_waited_for_at_most_a_fifth_of_a_second():
    client = _Client([REPLY], [_status("busy", "r1"), None])
    asyncio.run(wait_until_ready(client, 60))
    assert client.log[-1] == "iopub waited 0.2 s for nothing"


def test_the_request_is_sent_again_until_both_channels_answer():
    client = _Client([None, REPLY, REPLY], [None, _status("idle", "r3")])
    asyncio.run(wait_until_ready(client, 60))
    assert client.requests == 3 and client.handled == [REPLY]


@pytest.mark.parametrize("alive, timeout, message", [
    (False, 60, "Kernel died before replying to kernel_info"),
    (True, 0, "Kernel didn't respond in 0 seconds"),
])
def test_a_kernel_that_dies_or_never_answers_is_an_error(alive: bool, timeout: float, message: str):
    client = _Client([None], [], alive=alive)
    with pytest.raises(RuntimeError, match=message):
        asyncio.run(wait_until_ready(client, timeout))


class _EndingManager:
    """A kernel manager whose kernel ends once ``release`` is set."""

    has_kernel, provisioner = True, None

    def __init__(self, release: asyncio.Event, log: list[str]) -> None:
        self.release, self.log = release, log

    async def shutdown_kernel(self, now: bool) -> None:
        self.log.append("ending")
        await self.release.wait()
        self.log.append("ended")


def _kernel(tmp_path, release: asyncio.Event, log: list[str]) -> StartedKernel:
    folder = tmp_path / "01_probe-x"
    folder.mkdir()
    return StartedKernel(manager=_EndingManager(release, log), kc=None, folder=folder,
                         work=folder, token="no-process-has-this-token")


def test_without_a_list_of_endings_the_kernel_is_ended_before_the_run_returns(tmp_path):
    async def scenario() -> list[str]:
        release, log = asyncio.Event(), []
        release.set()
        kernel = _kernel(tmp_path, release, log)
        await end_or_hand_over(kernel, KernelRun(temp_root=tmp_path))
        assert not kernel.folder.exists()
        return log

    assert asyncio.run(scenario()) == ["ending", "ended"]


def test_an_end_handed_over_goes_on_beside_the_caller_and_an_interrupt_waits_for_it(tmp_path):
    # The renderer makes the page while the kernel ends; when it is interrupted meanwhile, it
    # stops only once the kernel has ended (its processes too), as before.
    async def scenario() -> None:
        release, log = asyncio.Event(), []
        run = KernelRun(temp_root=tmp_path, endings=[])
        kernel = _kernel(tmp_path, release, log)
        await asyncio.wait_for(end_or_hand_over(kernel, run), 10)  # an end awaited would time out
        assert len(run.endings) == 1 and "ended" not in log  # handed over, not awaited
        waiting = asyncio.ensure_future(await_endings(run))
        await asyncio.sleep(0.05)
        waiting.cancel()  # an interrupt while the kernel is still ending
        await asyncio.sleep(0.05)
        assert not waiting.done() and log == ["ending"]
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert log == ["ending", "ended"] and not kernel.folder.exists()

    asyncio.run(scenario())


class _BrokenManager(_EndingManager):
    """A kernel manager whose kernel cannot be ended: its server went away."""

    @property
    def provisioner(self):
        raise RuntimeError("the kernel server went away")


def test_an_end_handed_over_that_fails_is_logged_not_lost(tmp_path, caplog):
    async def scenario() -> None:
        release, log = asyncio.Event(), []
        run = KernelRun(temp_root=tmp_path, endings=[], label="2017-Q2 01_probe")
        kernel = _kernel(tmp_path, release, log)
        kernel.manager = _BrokenManager(release, log)
        await end_or_hand_over(kernel, run)
        await await_endings(run)  # does not raise: the notebook's outcome stands
        assert not kernel.folder.exists()  # the folder goes whatever the kernel's end says

    with caplog.at_level("WARNING", logger="bulletin.render.kernel_run"):
        asyncio.run(scenario())
    assert [r.getMessage() for r in caplog.records] == ["could not end the kernel of 2017-Q2 01_probe"]


def test_an_end_that_failed_is_logged_when_an_interrupt_waits_for_the_others_too(tmp_path, caplog):
    async def scenario() -> None:
        release, log = asyncio.Event(), []
        run = KernelRun(temp_root=tmp_path, endings=[], label="2017-Q2 01_probe")
        broken = _kernel(tmp_path, release, log)
        broken.manager = _BrokenManager(release, log)
        (tmp_path / "slow").mkdir()
        slow = _kernel(tmp_path / "slow", release, log)  # ends once released
        for kernel in (broken, slow):
            await end_or_hand_over(kernel, run)
        waiting = asyncio.ensure_future(await_endings(run))
        await asyncio.sleep(0.05)
        waiting.cancel()  # an interrupt while the second kernel is still ending
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    with caplog.at_level("WARNING", logger="bulletin.render.kernel_run"):
        asyncio.run(scenario())
    assert [r.getMessage() for r in caplog.records] == ["could not end the kernel of 2017-Q2 01_probe"]
