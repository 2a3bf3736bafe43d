"""Bot d'écho minimal écrit avec matrix-nio : la référence « plancher » d'un bot Tchap en Python.

Utilisé par scripts/matrix-load.sh (comparaison de charge Matrix, voir README, « Performances ») :

    NIO_HOMESERVER=http://127.0.0.1:PORT NIO_USER=@echo:serveur NIO_PASSWORD=… \
        target/tmp/synapse/venv/bin/python scripts/nio_echo_bot.py

Il se connecte, rejoint tout salon où on l'invite et répond à chaque message texte (m.text) par
un m.notice qui en répète le texte. Pas de chiffrement : les salons de la mesure sont en clair,
comme ceux où l'on mesure aiguilleur.
"""

import asyncio
import os
import signal
import sys

from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, MatrixRoom, RoomMessageText


async def main() -> None:
    client = AsyncClient(
        os.environ["NIO_HOMESERVER"],
        os.environ["NIO_USER"],
        config=AsyncClientConfig(encryption_enabled=False, max_timeouts=None),
    )
    resp = await client.login(os.environ["NIO_PASSWORD"], device_name="nio-echo")
    if not getattr(client, "access_token", None):
        print(f"nio : connexion impossible : {resp}", file=sys.stderr)
        sys.exit(1)

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id:
            return
        await client.room_send(room.room_id, "m.room.message", {"msgtype": "m.notice", "body": event.body})

    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # A first sync skips whatever happened before the bot started; then the long-poll loop.
    await client.sync(timeout=0, full_state=True)
    print("nio : prêt", flush=True)
    syncing = asyncio.create_task(client.sync_forever(timeout=30000))
    await stop.wait()
    syncing.cancel()
    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
