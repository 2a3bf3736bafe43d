#!/usr/bin/env bash
# Essayer le bot Matrix à la main : un Synapse local (comme celui des tests, chiffrement de bout
# en bout par défaut comme sur Tchap) et le bot branché dessus, ensemble.
#
#   scripts/tchap-local.sh            # Synapse sur 127.0.0.1:8008, données dans target/tchap-local/
#   PORT=8448 scripts/tchap-local.sh  # un autre port
#
# Puis, dans un client Matrix (Element Desktop, Fractal, gomuks…), connectez-vous au serveur
# http://127.0.0.1:8008 avec le compte « maire » (mot de passe affiché), et ouvrez une
# conversation directe avec @aiguilleur:aiguilleur.local : le bot rejoint et se présente.
# Ctrl-C arrête le bot et Synapse. Les données restent d'une fois sur l'autre (même appareil
# pour le bot, mêmes conversations) ; effacez target/tchap-local/ pour repartir de zéro.
#
# Il faut python3 (3.10 ou plus, module venv) et l'accès à PyPI la première fois : Synapse est
# installé dans target/tmp/synapse/venv, le même environnement que celui des tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8008}
SERVER=aiguilleur.local
DIR=$ROOT/target/tchap-local
VENV=$ROOT/target/tmp/synapse/venv
PY=$VENV/bin/python

source scripts/synapse-conf.sh
ensure_synapse_venv "$VENV"

mkdir -p "$DIR"
chmod 700 "$DIR"
if [[ ! -f $DIR/homeserver.yaml ]]; then
    SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(24))')
    "$PY" -c 'import base64, os; print("ed25519 a_local " + base64.b64encode(os.urandom(32)).decode().rstrip("="))' \
        > "$DIR/signing.key"
    write_synapse_conf "$DIR" "$PORT" "$SERVER" "$SECRET"
    cat >> "$DIR/homeserver.yaml" <<EOF
encryption_enabled_by_default_for_room_type: all
EOF
    chmod 600 "$DIR/homeserver.yaml" "$DIR/signing.key"
    "$PY" -c 'import secrets; print(secrets.token_urlsafe(18))' > "$DIR/bot-password"
    chmod 600 "$DIR/bot-password"
fi

sed -i "s/^  - port: .*/  - port: $PORT/; s|^public_baseurl: .*|public_baseurl: 'http://127.0.0.1:$PORT/'|" "$DIR/homeserver.yaml"

echo "Compilation du bot…"
cargo build --quiet --features matrix

"$PY" -m synapse.app.homeserver -c "$DIR/homeserver.yaml" >> "$DIR/synapse.out" 2>&1 &
SYNAPSE=$!
BOT=
cleanup() {
    [[ -n $BOT ]] && kill -TERM "$BOT" 2>/dev/null && wait "$BOT" 2>/dev/null
    kill -TERM "$SYNAPSE" 2>/dev/null && wait "$SYNAPSE" 2>/dev/null
    true
}
trap cleanup EXIT INT TERM

URL=http://127.0.0.1:$PORT
for _ in $(seq 1 300); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('$URL/_matrix/client/versions', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$SYNAPSE" 2>/dev/null || { echo "Synapse s'est arrêté : voir $DIR/synapse.out"; exit 1; }
    sleep 0.2
done

# Accounts created with the shared secret, without logging in (no stray device). An account
# that already exists is left as it is.
register() {
    "$PY" - "$URL" "$DIR/homeserver.yaml" "$1" "$2" <<'EOF'
import hashlib, hmac, json, re, sys, urllib.request, urllib.error
url, config, user, password = sys.argv[1:]
secret = re.search(r"^registration_shared_secret: '(.*)'$", open(config).read(), re.M).group(1)
api = url + "/_synapse/admin/v1/register"
nonce = json.load(urllib.request.urlopen(api))["nonce"]
mac = hmac.new(secret.encode(), "\0".join([nonce, user, password, "notadmin"]).encode(), hashlib.sha1).hexdigest()
body = json.dumps({"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac,
                   "inhibit_login": True}).encode()
try:
    urllib.request.urlopen(urllib.request.Request(api, body, {"Content-Type": "application/json"}))
except urllib.error.HTTPError as e:
    if b"M_USER_IN_USE" not in e.read():
        raise
EOF
}
register aiguilleur "$(cat "$DIR/bot-password")"
register maire maire-local

echo
echo "Synapse : $URL (serveur $SERVER), journaux dans $DIR/"
echo "Compte à utiliser dans votre client Matrix : maire / maire-local"
echo "Le bot : @aiguilleur:$SERVER (ouvrez-lui une conversation directe). Ctrl-C pour tout arrêter."
echo

MATRIX_HOMESERVER=$URL \
MATRIX_USER=@aiguilleur:$SERVER \
MATRIX_PASSWORD=$(cat "$DIR/bot-password") \
MATRIX_ALLOWED_SERVERS=$SERVER \
AIGUILLEUR_DATA_DIR=$DIR/bot \
AIGUILLEUR_LOG=${AIGUILLEUR_LOG:-info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn} \
    "$ROOT/target/debug/aiguilleur" matrix &
BOT=$!
wait "$BOT"
