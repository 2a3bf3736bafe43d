#!/usr/bin/env bash
# Comparaison de charge Matrix de bout en bout : aiguilleur contre un bot d'écho matrix-nio,
# sur le même Synapse local, dans la même exécution (issue 7, point 3 ; README, « Performances »).
#
#   scripts/matrix-load.sh                       # 100 utilisateurs, 5 messages chacun
#   USERS=200 MESSAGES=5 scripts/matrix-load.sh  # d'autres valeurs
#   TIMEOUT=900 scripts/matrix-load.sh           # limite globale en secondes (600 par défaut)
#
# Le script :
#   1. réutilise le Synapse des tests (target/tmp/synapse/venv, créé sinon) et y installe
#      matrix-nio et aiohttp ;
#   2. démarre Synapse sur 127.0.0.1 (port libre, SQLite, sans fédération, inscription par
#      secret partagé, limites de débit levées comme dans tests/it/synapse.rs), SANS chiffrement
#      par défaut : les salons de la mesure sont en clair, les deux bots suivent le même chemin ;
#   3. démarre le bot (target/release/aiguilleur s'il connaît `matrix`, sinon target/debug/, et
#      `cargo build --release --features matrix` si aucun ne convient) et le bot d'écho scripts/nio_echo_bot.py ;
#   4. lance scripts/matrix_load.py : N utilisateurs, chacun dans son salon direct, parlent en
#      même temps au bot (« bonjour », « Genêts », « oui », « aucun », « centre-bourg ») et mesurent
#      le temps entre l'envoi et la réponse, lue par leur propre /sync ; puis la même chose avec
#      le bot nio.
# Il affiche p50 et p99 (ms) et les réponses perdues de chaque bot, et les rapports
# aiguilleur/nio ; il sort en erreur si une réponse manque. Tout ce qu'il a démarré est arrêté
# à la sortie. Journaux : target/tmp/matrix-load/. Trafic uniquement sur 127.0.0.1.
set -euo pipefail
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$SELF")/.."
ROOT=$PWD
USERS=${USERS:-100}
MESSAGES=${MESSAGES:-5}
TIMEOUT=${TIMEOUT:-600}

# Global time limit: the script runs itself again under `timeout`, which signals the whole
# process group (Synapse, the bots, the load) when the time is up.
if [[ -z ${MATRIX_LOAD_INNER:-} ]]; then
    MATRIX_LOAD_INNER=1 exec timeout -k 30 "$TIMEOUT" "$SELF" "$@"
fi

SERVER=load.local
VENV=$ROOT/target/tmp/synapse/venv
PY=$VENV/bin/python
DIR=$ROOT/target/tmp/matrix-load
SYNAPSE=
BOT=
NIO=

cleanup() {
    local status=$?
    for pid in $NIO $BOT $SYNAPSE; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $NIO $BOT $SYNAPSE; do
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ $status -ne 0 ]]; then
        echo "Échec (code $status) : journaux dans $DIR/" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# 1. Python environment (the tests' Synapse, plus the clients of the measure).
source scripts/synapse-conf.sh
ensure_synapse_venv "$VENV"
if ! "$PY" -c 'import nio, aiohttp' 2>/dev/null; then
    echo "Installation de matrix-nio et aiohttp dans $VENV…"
    "$PY" -m pip install --quiet --disable-pip-version-check matrix-nio aiohttp
fi

# The bot under test: a binary that knows the `matrix` subcommand.
AIGUILLEUR=
for candidate in "$ROOT/target/release/aiguilleur" "$ROOT/target/debug/aiguilleur"; do
    if [[ -x $candidate ]] && "$candidate" matrix --help >/dev/null 2>&1; then
        AIGUILLEUR=$candidate
        break
    fi
    [[ -x $candidate ]] && echo "(ignoré : $candidate ne connaît pas \`matrix\`, binaire ancien)"
done
if [[ -z $AIGUILLEUR ]]; then
    echo "Aucun binaire avec \`matrix\` : cargo build --release --features matrix…"
    cargo build --release --quiet --features matrix
    AIGUILLEUR=$ROOT/target/release/aiguilleur
fi
echo "Bot : $AIGUILLEUR"

# 2. Synapse, configured like tests/it/synapse.rs but without encryption by default.
rm -rf "$DIR"
mkdir -p "$DIR"
chmod 700 "$DIR"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(24))')
"$PY" -c 'import base64, os; print("ed25519 a_load " + base64.b64encode(os.urandom(32)).decode().rstrip("="))' \
    > "$DIR/signing.key"
write_synapse_conf "$DIR" "$PORT" "$SERVER" "$SECRET"
U='{per_second: 1000, burst_count: 1000}'
cat >> "$DIR/homeserver.yaml" <<EOF
bcrypt_rounds: 4
rc_message: $U
rc_registration: $U
rc_login:
  address: $U
  account: $U
  failed_attempts: $U
rc_joins:
  local: $U
  remote: $U
rc_joins_per_room: $U
rc_invites:
  per_room: $U
  per_user: $U
  per_issuer: $U
rc_room_creation: $U
rc_key_requests: $U
rc_3pid_validation: $U
rc_admin_redaction: $U
EOF
chmod 600 "$DIR/homeserver.yaml" "$DIR/signing.key"

STARTED=$(date +%s)
(cd "$DIR" && exec "$PY" -m synapse.app.homeserver -c "$DIR/homeserver.yaml" >> "$DIR/synapse.out" 2>&1) &
SYNAPSE=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 1 900); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('$URL/_matrix/client/versions', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$SYNAPSE" 2>/dev/null || { echo "Synapse s'est arrêté : voir $DIR/synapse.out" >&2; exit 1; }
    sleep 0.1
done
echo "Synapse : $URL (serveur $SERVER)"

# 3. The two bots, each with its own account.
BOT_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
NIO_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
"$PY" scripts/matrix_load.py register "$URL" "$SECRET" aiguilleur "$BOT_PASSWORD"
"$PY" scripts/matrix_load.py register "$URL" "$SECRET" echo "$NIO_PASSWORD"

MATRIX_HOMESERVER=$URL \
MATRIX_USER=@aiguilleur:$SERVER \
MATRIX_PASSWORD=$BOT_PASSWORD \
MATRIX_ALLOWED_SERVERS=$SERVER \
AIGUILLEUR_DATA_DIR=$DIR/bot \
AIGUILLEUR_LOG=${AIGUILLEUR_LOG:-warn} \
    "$AIGUILLEUR" matrix --db "$DIR/bot.sqlite" > "$DIR/aiguilleur.log" 2>&1 &
BOT=$!
NIO_HOMESERVER=$URL NIO_USER=@echo:$SERVER NIO_PASSWORD=$NIO_PASSWORD \
    "$PY" scripts/nio_echo_bot.py > "$DIR/nio.log" 2>&1 &
NIO=$!

# 4. The measure: aiguilleur first, then nio, on the same server.
set +e
"$PY" scripts/matrix_load.py run --url "$URL" --secret "$SECRET" \
    --bot "aiguilleur=@aiguilleur:$SERVER" --bot "nio=@echo:$SERVER" --greets aiguilleur \
    --users "$USERS" --messages "$MESSAGES"
RESULT=$?
set -e
for pid in $BOT $NIO; do
    kill -0 "$pid" 2>/dev/null || echo "Attention : un bot s'est arrêté pendant la mesure (voir $DIR/)" >&2
done
echo "Durée (Synapse démarré → fin) : $(( $(date +%s) - STARTED )) s"
exit "$RESULT"
