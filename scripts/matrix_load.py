"""Charge Matrix de bout en bout : N utilisateurs simulés parlent en même temps à un bot.

Appelé par scripts/matrix-load.sh, qui installe et démarre Synapse et les deux bots ; à la main :

    python scripts/matrix_load.py register URL SECRET UTILISATEUR MOT_DE_PASSE
    python scripts/matrix_load.py run --url URL --secret SECRET \
        --bot aiguilleur=@aiguilleur:load.local --bot nio=@echo:load.local [--users 100] [--messages 5]

`run` crée N comptes (API d'administration, secret partagé), puis, pour chaque bot à tour de
rôle : chaque utilisateur ouvre un salon direct en clair avec le bot, attend qu'il le rejoigne
(et, s'il en envoie un, son accueil), puis tous en même temps envoient les messages du script
l'un après l'autre ; chacun attend la réponse du bot (le premier m.notice du bot qui suit son
message dans le fil) par son propre /sync en attente longue, et mesure l'envoi → la réponse.
Une ligne par chiffre ; code de sortie 1 si une réponse manque. Uniquement du HTTP simple (aiohttp).
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import math
import secrets
import sys
import time
import uuid

import aiohttp

SCRIPT = ["bonjour", "Genêts", "oui", "aucun", "centre-bourg"]


async def register(http: aiohttp.ClientSession, url: str, secret: str, user: str, password: str,
                   login: bool) -> dict:
    """Registers with the shared secret; returns the response (with a token when `login`)."""
    api = f"{url}/_synapse/admin/v1/register"
    async with http.get(api) as r:
        nonce = (await r.json())["nonce"]
    mac = hmac.new(secret.encode(), "\0".join([nonce, user, password, "notadmin"]).encode(),
                   hashlib.sha1).hexdigest()
    body = {"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac,
            "inhibit_login": not login}
    async with http.post(api, json=body) as r:
        data = await r.json()
        if r.status != 200 and data.get("errcode") != "M_USER_IN_USE":
            raise RuntimeError(f"inscription de {user} : {r.status} {data}")
        return data


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class User:
    """One simulated person: a token, a DM room with the bot, a /sync long-poll of that room."""

    def __init__(self, http: aiohttp.ClientSession, url: str, user_id: str, token: str):
        self.http, self.url, self.user_id = http, url, user_id
        self.headers = {"Authorization": f"Bearer {token}"}
        self.room = None
        self.events: list[tuple[float, dict]] = []  # (monotonic receipt time, event), stream order
        self.changed = asyncio.Event()
        self.since = None
        self.task = None

    async def call(self, method: str, path: str, body=None, params=None) -> dict:
        for attempt in range(20):
            async with self.http.request(method, f"{self.url}/_matrix/client/v3{path}", json=body,
                                         params=params, headers=self.headers) as r:
                data = await r.json()
                if r.status == 429:
                    await asyncio.sleep(data.get("retry_after_ms", 500) / 1000)
                    continue
                if r.status != 200:
                    raise RuntimeError(f"{method} {path} : {r.status} {data}")
                return data
        raise RuntimeError(f"{method} {path} : trop de 429")

    async def open_dm(self, bot: str) -> None:
        data = await self.call("POST", "/createRoom", {
            "preset": "trusted_private_chat", "is_direct": True, "invite": [bot],
        })
        self.room = data["room_id"]
        room_filter = {
            "presence": {"types": []}, "account_data": {"types": []},
            "room": {"rooms": [self.room], "account_data": {"types": []}, "ephemeral": {"types": []},
                     "state": {"lazy_load_members": True}, "timeline": {"limit": 100}},
        }
        self.filter = json.dumps(room_filter)
        # The initial sync gives the position from which the long-poll starts.
        first = await self.call("GET", "/sync", params={"filter": self.filter, "timeout": "0"})
        self.absorb(first)
        self.task = asyncio.create_task(self.sync_loop())

    def absorb(self, data: dict) -> None:
        now = time.monotonic()
        self.since = data["next_batch"]
        room = data.get("rooms", {}).get("join", {}).get(self.room)
        if not room:
            return
        for ev in room.get("state", {}).get("events", []):
            self.events.append((now, ev))
        for ev in room.get("timeline", {}).get("events", []):
            self.events.append((now, ev))
        self.changed.set()

    async def sync_loop(self) -> None:
        while True:
            try:
                data = await self.call("GET", "/sync", params={
                    "filter": self.filter, "since": self.since, "timeout": "30000"})
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - a failed poll is retried, as clients do
                print(f"  sync {self.user_id} : {e}", file=sys.stderr)
                await asyncio.sleep(0.5)
                continue
            self.absorb(data)

    async def wait_for(self, pred, start: int, deadline: float):
        """The first event from index `start` on satisfying `pred`: (index, time, event) or None."""
        i = start
        while True:
            while i < len(self.events):
                t, ev = self.events[i]
                if pred(ev):
                    return i, t, ev
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self.task, self.room, self.events, self.since = None, None, [], None


def is_notice_from(bot: str):
    return lambda ev: (ev.get("type") == "m.room.message" and ev.get("sender") == bot
                       and ev.get("content", {}).get("msgtype") == "m.notice")


def bot_joined(bot: str):
    return lambda ev: (ev.get("type") == "m.room.member" and ev.get("state_key") == bot
                       and ev.get("content", {}).get("membership") == "join")


async def conversation(u: User, bot: str, script: list[str], reply_timeout: float, go: asyncio.Event,
                       latencies: list[float], lost: list[str]) -> None:
    await go.wait()
    cursor = len(u.events)
    for text in script:
        t0 = time.monotonic()
        sent = await u.call("PUT", f"/rooms/{u.room}/send/m.room.message/{uuid.uuid4().hex}",
                            {"msgtype": "m.text", "body": text})
        event_id = sent["event_id"]
        deadline = t0 + reply_timeout
        # The reply is the first notice of the bot after our own message in the room's timeline.
        mine = await u.wait_for(lambda ev: ev.get("event_id") == event_id, cursor, deadline)
        found = mine and await u.wait_for(is_notice_from(bot), mine[0] + 1, deadline)
        if not found:
            lost.append(f"{u.user_id} « {text} »")
            if mine:
                cursor = mine[0] + 1
            continue
        index, t1, _ = found
        latencies.append((t1 - t0) * 1000)
        cursor = index + 1


async def measure(http, url, users: list[User], name: str, bot: str, script, args) -> dict:
    print(f"[{name}] {len(users)} salons directs avec {bot}…", flush=True)
    t = time.monotonic()
    sem = asyncio.Semaphore(args.setup_concurrency)

    async def setup(u: User):
        async with sem:
            await u.open_dm(bot)
        deadline = time.monotonic() + args.setup_timeout
        joined = await u.wait_for(bot_joined(bot), 0, deadline)
        if not joined:
            raise RuntimeError(f"{bot} n'a pas rejoint le salon de {u.user_id} (liste d'autorisation ?)")
        # A bot that greets: its welcome is waited for, so that it is not taken for a reply.
        if args.greeting.get(name, False):
            if not await u.wait_for(is_notice_from(bot), joined[0] + 1, deadline):
                raise RuntimeError(f"pas d'accueil de {bot} dans le salon de {u.user_id}")

    await asyncio.gather(*(setup(u) for u in users))
    print(f"[{name}] salons prêts en {time.monotonic() - t:.1f} s ; {len(users)} conversations "
          f"de {len(script)} messages en même temps…", flush=True)
    go = asyncio.Event()
    latencies: list[float] = []
    lost: list[str] = []
    tasks = [asyncio.create_task(conversation(u, bot, script, args.reply_timeout, go, latencies, lost))
             for u in users]
    t = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t
    for u in users:
        await u.stop()
    latencies.sort()
    print(f"[{name}] {len(latencies)} réponses en {elapsed:.1f} s", flush=True)
    for what in lost[:10]:
        print(f"[{name}] réponse manquante : {what}", file=sys.stderr)
    return {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "lost": len(lost)}


async def run(args) -> int:
    bots = [b.split("=", 1) for b in args.bot]
    args.greeting = {name: True for name in args.greets}
    timeout = aiohttp.ClientTimeout(total=None, sock_read=90)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as http:
        print(f"Inscription de {args.users} utilisateurs…", flush=True)
        sem = asyncio.Semaphore(16)
        run_id = secrets.token_hex(3)

        async def make(i: int) -> User:
            async with sem:
                data = await register(http, args.url, args.secret, f"charge{run_id}{i:04d}",
                                      secrets.token_urlsafe(12), login=True)
            return User(http, args.url, data["user_id"], data["access_token"])

        users = await asyncio.gather(*(make(i) for i in range(args.users)))
        results = {}
        for name, bot in bots:
            results[name] = await measure(http, args.url, users, name, bot, SCRIPT[:args.messages]
                                          if args.messages <= len(SCRIPT) else
                                          [SCRIPT[i % len(SCRIPT)] for i in range(args.messages)], args)
    print()
    for name, r in results.items():
        print(f"{name} p50 ms: {r['p50']:.1f}")
        print(f"{name} p99 ms: {r['p99']:.1f}")
        print(f"{name} replies lost: {r['lost']}")
    if len(results) >= 2:
        (a, ra), (b, rb) = list(results.items())[:2]
        print(f"p50 ratio {a}/{b}: {ra['p50'] / rb['p50']:.2f}")
        print(f"p99 ratio {a}/{b}: {ra['p99'] / rb['p99']:.2f}")
    return 1 if any(r["lost"] for r in results.values()) else 0


async def register_one(args) -> int:
    async with aiohttp.ClientSession() as http:
        await register(http, args.url, args.secret, args.user, args.password, login=False)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("register", help="inscrit un compte (secret partagé), sans appareil")
    r.add_argument("url")
    r.add_argument("secret")
    r.add_argument("user")
    r.add_argument("password")
    m = sub.add_parser("run", help="la mesure")
    m.add_argument("--url", required=True)
    m.add_argument("--secret", required=True)
    m.add_argument("--bot", action="append", required=True, help="nom=@bot:serveur, dans l'ordre")
    m.add_argument("--greets", action="append", default=[], help="nom d'un bot qui envoie un accueil")
    m.add_argument("--users", type=int, default=100)
    m.add_argument("--messages", type=int, default=5)
    m.add_argument("--reply-timeout", type=float, default=60.0, help="secondes avant « réponse perdue »")
    m.add_argument("--setup-timeout", type=float, default=180.0)
    m.add_argument("--setup-concurrency", type=int, default=10)
    args = p.parse_args()
    return asyncio.run(run(args) if args.cmd == "run" else register_one(args))


if __name__ == "__main__":
    sys.exit(main())
