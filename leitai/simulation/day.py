"""One whole arena day played against a running server (`leitai simulate`).

The host signs in, makes sure the panel has the judges asked for, runs the draw if it is not
done, goes live and, for each participant in the drawn order: calls them, runs the timer for
the presentation, opens scoring; every judge submits a plausible sheet from their phone (marks
around a participant's quality, shifted by the judge's severity, on each criterion's step); the
head judge confirms; the host shows the result; at the end the host closes the arena. A judge
without a usable link has a paper sheet entered by the host instead.

What the followers saw is checked against what was acknowledged: after each acknowledged action
the screen (and, for a sheet, the judge's own phone) must show its effect; the delay from the
acknowledgement to the first frame that shows it is measured. `--speed` divides every wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from leitai.simulation.clients import Follower, Host, Phone, Refused, SimulationError

DONE = {"confirmed", "shown", "absent", "withdrawn"}


# -- plausible marks ------------------------------------------------------------------------------


def plausible_marks(
    rubric: list[dict[str, Any]], *, quality: float, severity: float, rng: random.Random
) -> dict[str, str]:
    """One judge's sheet: each criterion near quality × maximum, shifted by the judge's
    severity and a little noise of the moment, on the criterion's step, within [0, maximum]."""
    marks = {}
    for criterion in rubric:
        maximum = Decimal(str(criterion["maximum"]))
        step = Decimal(str(criterion.get("step", "0.5")))
        share = min(1.0, max(0.0, quality + severity + rng.gauss(0, 0.035)))
        steps = (maximum * Decimal(repr(share)) / step).quantize(Decimal(1), ROUND_HALF_UP)
        marks[str(criterion["key"])] = format((steps * step).normalize(), "f")
    return marks


def total_of(rubric: list[dict[str, Any]], marks: dict[str, str]) -> Decimal:
    return sum(
        (Decimal(str(c.get("weight", "1"))) * Decimal(marks[c["key"]]) for c in rubric),
        Decimal(0),
    )


# -- the simulation -------------------------------------------------------------------------------


@dataclass
class Options:
    url: str
    arena: int
    judges: int = 7
    speed: float = 1.0
    user: str = "jinhulu-host"
    password: str = "leitai-demo"
    seed: int | None = None
    viewers: int = 0  # extra public followers of the screen, beside the one every run has
    # Real seconds each shown result stays on the screen at least, whatever the speed: at
    # --speed 60 the hall's 10–20 s would flash by in a fraction of a second.
    hold: float = 0.0


@dataclass
class Expectation:
    label: str
    follower: Follower
    sent: float
    acked: float
    predicate: Callable[[dict[str, Any]], bool]

    def delay(self) -> float | None:
        frame = self.follower.first_after(self.sent, self.predicate)
        return None if frame is None else max(0.0, frame.at - self.acked)


@dataclass
class Summary:
    title: str = ""
    participants: int = 0
    sheets: int = 0
    paper_sheets: int = 0
    retries: int = 0
    ranking: list[dict[str, Any]] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    followers: dict[str, list[Follower]] = field(default_factory=dict)
    expectations: list[Expectation] = field(default_factory=list)

    def missed(self) -> list[Expectation]:
        return [e for e in self.expectations if e.delay() is None]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _order_status(data: dict[str, Any], participant: int) -> str | None:
    for item in data.get("order", []):
        if item["id"] == participant:
            return str(item["status"])
    return None


class Simulation:
    def __init__(self, options: Options, log: Callable[[str], None]) -> None:
        self.options = options
        self.log = log
        self.rng = random.Random(options.seed)
        self.host = Host(options.url, options.arena)
        self.phones: dict[str, Phone] = {}
        self.summary = Summary()
        self.screen: Follower | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.severity: dict[str, float] = {}
        self.rubric: list[dict[str, Any]] = []

    def wait(self, real_seconds: float) -> float:
        return max(0.0, real_seconds / self.options.speed)

    async def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(function, *args, **kwargs)

    async def host_action(
        self, name: str, expect: Callable[[dict[str, Any]], bool] | None = None, **payload: Any
    ) -> dict[str, Any]:
        sent = time.monotonic()
        state: dict[str, Any] = await self.call(self.host.action, name, **payload)
        acked = time.monotonic()
        version: int = state["version"]
        assert self.screen is not None

        def reached(data: dict[str, Any]) -> bool:
            return bool(data.get("version", -1) >= version)

        self.summary.expectations.append(
            Expectation(name, self.screen, sent, acked, expect or reached)
        )
        return state

    # -- set-up ----------------------------------------------------------------------------------

    async def prepare(self) -> dict[str, Any]:
        await self.call(self.host.sign_in, self.options.user, self.options.password)
        state = await self.call(self.host.console)
        arena = state["arena"]
        self.summary.title = arena["title"]
        self.log(f"arena {arena['id']}: {arena['title']} · {arena['host']} · {arena['state']}")
        if arena["state"] == "closed":
            raise SimulationError(f"arena {arena['id']} is already closed")
        entrants = [p for p in state["participants"] if p["status"] != "withdrawn"]
        if len(entrants) < 2:
            raise SimulationError(
                f"arena {arena['id']} has {len(entrants)} participant(s): add at least two on its "
                "set-up page first"
            )
        state = await self.ensure_panel(state)
        await self.connect_followers()
        return await self.ensure_drawn_and_live(state)

    async def ensure_panel(self, state: dict[str, Any]) -> dict[str, Any]:
        active = [j for j in state["judges"] if not j["revoked"]]
        missing = max(0, self.options.judges - len(active))
        has_head = any(j["head"] for j in active)
        for index in range(missing):
            number = len(state["judges"]) + index + 1
            form = {"action": "judge", "name": f"模拟评委{number}", "external_affiliation": "模拟"}
            if not has_head and index == 0:
                form["is_head"] = "on"
            await self.call(lambda f=form: self.host.setup_post(**f))
        state = await self.call(self.host.console)
        active = [j for j in state["judges"] if not j["revoked"]]
        if len(active) < self.options.judges:
            raise SimulationError(
                f"could not add judges: the panel has {len(active)}, {self.options.judges} asked"
            )
        if not any(j["head"] for j in active):
            await self.call(lambda: self.host.setup_post(action="head", judge=active[0]["code"]))
            state = await self.call(self.host.console)
        tokens = await self.call(self.host.judge_tokens)
        for token in tokens:
            phone = Phone(self.options.url, token)
            try:
                await self.call(phone.state)
            except Refused:
                continue  # a stale link on the page (re-issued meanwhile)
            self.phones[phone.code] = phone
            self.severity[phone.code] = self.rng.gauss(0, 0.025)
        head = next(j["code"] for j in state["judges"] if j["head"])
        without = [j["code"] for j in state["judges"] if j["code"] not in self.phones]
        self.log(
            f"panel: {len(state['judges'])} judges, head {head}"
            + (f", {missing} added" if missing else "")
            + (f"; no usable link for {', '.join(without)}: paper sheets" if without else "")
        )
        return state

    async def connect_followers(self) -> None:
        arena = self.options.arena
        screen = Follower(self.options.url, f"arena:{arena}:screen", label="screen")
        console = Follower(
            self.options.url,
            f"arena:{arena}:console",
            cookie=self.host.http.cookie_header(),
            label="console",
        )
        judges = [
            Follower(
                self.options.url, f"arena:{arena}:judge:{p.judge_id}", token=p.token, label=code
            )
            for code, p in sorted(self.phones.items())
        ]
        viewers = [
            Follower(self.options.url, f"arena:{arena}:screen", label="viewer", keep_frames=False)
            for _ in range(self.options.viewers)
        ]
        self.screen = screen
        self.summary.followers = {
            "screen": [screen],
            "console": [console],
            "judges": judges,
            **({"viewers": viewers} if viewers else {}),
        }
        everyone = [screen, console, *judges, *viewers]
        self.tasks = [asyncio.create_task(f.run()) for f in everyone]
        try:
            await asyncio.wait_for(
                asyncio.gather(*(f.connected.wait() for f in everyone)), timeout=20
            )
        except TimeoutError:
            refused = [f.label for f in everyone if f.refused]
            raise SimulationError(
                "WebSocket followers could not connect"
                + (f" (refused: {', '.join(refused)})" if refused else "")
            ) from None
        self.log(f"following: screen, console and {len(judges)} judges' phones over WebSocket")

    async def ensure_drawn_and_live(self, state: dict[str, Any]) -> dict[str, Any]:
        arena = state["arena"]
        if arena["draw_state"] == "none":
            state = await self.host_action("freeze")
            self.log("draw: list frozen, commitment published")
        if state["arena"]["draw_state"] == "committed":
            public = f"{self.rng.randrange(10**6):06d}"
            state = await self.host_action("draw", public=public)
            self.log(f"draw: public contribution {public} called out in the hall; order drawn")
        if state["arena"]["draw_state"] == "drawn":
            state = await self.host_action("reveal")
            self.log("draw: seed revealed (leitai draw verify checks it)")
        if state["arena"]["state"] == "drawn":
            state = await self.host_action("go_live")
            self.log("live: rubric and rule frozen and written to the ledger")
        if not self.phones:
            raise SimulationError("no judge's link could be used (revoked, or the page changed)")
        self.rubric = (await self.call(next(iter(self.phones.values())).state))["rubric"]
        return state

    # -- the day ---------------------------------------------------------------------------------

    async def run(self) -> Summary:
        try:
            state = await self.prepare()
            order = [p for p in state["order"] if p["status"] not in {"withdrawn"}]
            self.summary.participants = len(order)
            while True:
                current = state.get("current")
                if current is None or current["status"] in DONE:
                    try:
                        state = await self.host_action(
                            "next", expected_current=current["id"] if current else None
                        )
                    except Refused as refusal:
                        if refusal.code == "no_more":
                            break
                        raise
                    current = state["current"]
                state = await self.present(current, len(order))
            state = await self.host_action(
                "close_arena",
                expect=lambda data: data["arena"]["state"] == "closed",
            )
            self.summary.ranking = state["ranking"]
            assert self.screen is not None
            await self.screen.wait_for(lambda d: d["arena"]["state"] == "closed", 10)
            await asyncio.sleep(0.5)  # the last frames to the judges' phones
            self.log("closed: the ranking is final")
            return self.summary
        finally:
            for follower in (f for group in self.summary.followers.values() for f in group):
                await follower.stop()
            for task in self.tasks:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(task, 5)
            self.host.http.close()
            for phone in self.phones.values():
                phone.http.close()

    def _row(self, state: dict[str, Any], participant: int) -> dict[str, Any]:
        return next(p for p in state["participants"] if p["id"] == participant)

    async def present(self, current: dict[str, Any], count: int) -> dict[str, Any]:
        pid = current["id"]
        state = await self.call(self.host.console)
        row = self._row(state, pid)
        self.log(f"[{row['position']}/{count}] {row['unit']} · {row['presenter']}")
        if row["status"] == "presenting":
            timer = state["timer"]
            # A run resumed after an interruption may find the timer already running.
            if timer["state"] != "running":
                await self.host_action("timer_start")
            talk = timer["duration_ms"] / 1000 * self.rng.uniform(0.8, 1.0)
            await asyncio.sleep(self.wait(max(0.0, talk - timer["elapsed_ms"] / 1000)))
            await self.host_action("timer_pause")
            state = await self.host_action("open", participant=pid)
            self.log(f"      presented {talk / 60:.1f} min; scoring open")
            row = self._row(state, pid)
        if row["status"] == "scoring":
            await self.collect_sheets(pid, row)
            state = await self.call(self.host.console)
            row = self._row(state, pid)
        if row["status"] in {"scoring", "scored"}:
            await asyncio.sleep(self.wait(self.rng.uniform(3, 10)))
            head = next((j["code"] for j in state["judges"] if j["head"]), None)
            sent = time.monotonic()
            if head in self.phones:
                score = (await self.call(self.phones[head].confirm, pid))["result"]["score"]
                by = f"head judge {head}"
            else:
                done = await self.call(self.host.action, "confirm", participant=pid)
                score, by = self._row(done, pid)["score"], "the host for the head judge"
            assert self.screen is not None
            self.summary.expectations.append(
                Expectation(
                    "confirm",
                    self.screen,
                    sent,
                    time.monotonic(),
                    lambda d: _order_status(d, pid) in {"confirmed", "shown"},
                )
            )
            self.log(f"      {by} confirmed {score}")
            state = await self.call(self.host.console)
            row = self._row(state, pid)
        if row["status"] == "confirmed":
            state = await self.host_action(
                "show",
                participant=pid,
                expect=lambda d: _order_status(d, pid) == "shown",
            )
            shown = self._row(state, pid)
            ranked = next((r for r in state["ranking"] if r["id"] == pid), None)
            self.log(
                f"      shown: {shown['score']}" + (f", rank {ranked['rank']}" if ranked else "")
            )
            await asyncio.sleep(max(self.wait(self.rng.uniform(10, 20)), self.options.hold))
        console: dict[str, Any] = await self.call(self.host.console)
        return console

    async def collect_sheets(self, pid: int, row: dict[str, Any]) -> None:
        quality = self.rng.uniform(0.6, 0.93)
        waiting = [code for code, status in row["judges"].items() if status == "waiting"]
        posts = [
            self.one_sheet(pid, row["position"], code, quality, self.rng.uniform(15, 90))
            for code in sorted(waiting)
        ]
        results = await asyncio.gather(*posts)
        phones = sum(1 for source in results if source == "phone")
        papers = len(results) - phones
        self.summary.sheets += len(results)
        self.summary.paper_sheets += papers
        skipped = [c for c, s in row["judges"].items() if s in {"recused", "absent"}]
        self.log(
            f"      {phones} sheets from phones"
            + (f", {papers} on paper" if papers else "")
            + (f"; not scoring: {', '.join(sorted(skipped))}" if skipped else "")
        )

    async def one_sheet(
        self, pid: int, position: int, code: str, quality: float, think: float
    ) -> str:
        await asyncio.sleep(self.wait(think))
        rng = random.Random(f"{self.options.seed}:{pid}:{code}")
        marks = plausible_marks(
            self.rubric, quality=quality, severity=self.severity.get(code, 0.0), rng=rng
        )
        key = uuid.uuid4().hex
        phone = self.phones.get(code)
        if phone is None:
            await self.call(self.host.paper_sheet, code, pid, marks, key)
            return "paper"
        first_sent = time.monotonic()
        for attempt in range(6):
            sent = time.monotonic()
            try:
                answer = await self.call(phone.submit, pid, marks, key)
            except SimulationError:
                answer = None
            if answer is not None and answer.status in (200, 201):
                break
            if answer is not None and answer.status < 500:
                raise SimulationError(f"{code}'s sheet was refused: {answer.refusal()}")
            self.summary.retries += 1
            await asyncio.sleep(min(8.0, 0.25 * 2**attempt))  # the phone's queue retries
        else:
            raise SimulationError(f"{code}'s sheet could not be sent after 6 attempts")
        acked = time.monotonic()
        self.summary.post_ms.append((acked - sent) * 1000)
        assert self.screen is not None
        self.summary.expectations.append(
            Expectation(
                f"sheet {code}",
                self.screen,
                first_sent,
                acked,
                lambda d: (
                    _order_status(d, pid) in {"scored", "confirmed", "shown"}
                    or (
                        d.get("current") is not None
                        and d["current"]["id"] == pid
                        and any(
                            j["code"] == code and j["status"] == "submitted"
                            for j in d["current"]["judges"]
                        )
                    )
                ),
            )
        )
        # The judge's own phone shows the sheet locked among its past sheets.
        mine = next(f for f in self.summary.followers["judges"] if f.label == code)
        self.summary.expectations.append(
            Expectation(
                f"own sheet {code}",
                mine,
                first_sent,
                acked,
                lambda d: any(s.get("position") == position for s in d.get("my_sheets", [])),
            )
        )
        return "phone"


def run_simulation(options: Options, log: Callable[[str], None]) -> Summary:
    """Run the whole simulation on a fresh event loop (judges post from a thread pool)."""

    async def main() -> Summary:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=max(8, options.judges + 6)))
        return await Simulation(options, log).run()

    return asyncio.run(main())


def describe(summary: Summary) -> list[str]:
    """The closing report: results, then what the screens and phones saw."""
    lines = [f"{summary.title}: final ranking"]
    for row in summary.ranking:
        tie = "=" if row.get("tied") else " "
        lines.append(
            f"  {row['rank']:>2}{tie} {row['score']:>7}  {row['unit']} · {row['presenter']}"
        )
    lines.append(
        f"{summary.participants} participants, {summary.sheets} sheets"
        + (f" ({summary.paper_sheets} on paper)" if summary.paper_sheets else "")
        + f", {summary.retries} retried; judges' POST p50 "
        f"{_percentile(summary.post_ms, 50):.0f} ms, max "
        f"{max(summary.post_ms, default=float('nan')):.0f} ms"
    )
    lines.append("what the followers saw (delay from acknowledgement to the frame that shows it):")
    for name, group in summary.followers.items():
        watched = [e for e in summary.expectations if e.follower in group]
        delays = [d * 1000 for e in watched if (d := e.delay()) is not None]
        lines.append(
            f"  {name:<8} {len(group):>3} client(s): {sum(f.updates for f in group):>5} updates, "
            f"{sum(f.snapshots for f in group)} snapshots, {sum(f.reconnects for f in group)} "
            "reconnects"
            + (
                f"; {len(delays)}/{len(watched)} shown, delay p50 {_percentile(delays, 50):.0f} "
                f"ms, max {max(delays, default=0):.0f} ms"
                if watched
                else ""
            )
        )
    return lines
