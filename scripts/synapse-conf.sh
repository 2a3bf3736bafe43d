# Synapse local de test, commun à scripts/tchap-local.sh et scripts/matrix-load.sh (mêmes
# réglages et même environnement Python que tests/it/synapse.rs) : 127.0.0.1, SQLite, pas de
# fédération, inscription par secret partagé. À sourcer ; l'appelant ajoute ses réglages propres
# à la fin de "$DIR/homeserver.yaml" (cat >>).

# ensure_synapse_venv VENV : installe Synapse dans VENV la première fois (celui des tests).
ensure_synapse_venv() {
    local VENV=$1
    if [[ ! -f $VENV/.aiguilleur-installed ]]; then
        echo "Installation de Synapse dans $VENV (une fois, environ 30 s)…"
        rm -rf "$VENV"
        mkdir -p "$(dirname "$VENV")"
        python3 -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'matrix-synapse~=1.163.0'
        echo 'matrix-synapse~=1.163.0' > "$VENV/.aiguilleur-installed"
    fi
}

# write_synapse_conf DIR PORT SERVER SECRET
write_synapse_conf() {
    local DIR=$1 PORT=$2 SERVER=$3 SECRET=$4
    cat > "$DIR/log.yaml" <<EOF
version: 1
formatters:
  precise:
    format: '%(asctime)s %(name)s %(levelname)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: $DIR/homeserver.log
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
EOF
    cat > "$DIR/homeserver.yaml" <<EOF
server_name: '$SERVER'
pid_file: $DIR/homeserver.pid
public_baseurl: 'http://127.0.0.1:$PORT/'
listeners:
  - port: $PORT
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: $DIR/homeserver.db
log_config: $DIR/log.yaml
media_store_path: $DIR/media
signing_key_path: $DIR/signing.key
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
report_stats: false
enable_registration: false
registration_shared_secret: '$SECRET'
macaroon_secret_key: '${SECRET}m'
form_secret: '${SECRET}f'
presence:
  enabled: false
EOF
}
