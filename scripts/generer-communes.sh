#!/usr/bin/env bash
# Régénère data/communes.csv, data/communes-hors-manche.csv,
# data/communes-anciennes.csv et
# data/communes.SOURCE.md à partir du paquet npm @etalab/decoupage-administratif.
# Crée data/statuts-communes.csv (en-tête seul) s'il n'existe pas encore ;
# ne le modifie jamais s'il existe (il est édité à la main / par les agents).
#
# Usage : scripts/generer-communes.sh
#   DECOUPAGE_VERSION=x.y.z scripts/generer-communes.sh   # autre version du paquet
#   DATE_GENERATION=AAAA-MM-JJ scripts/generer-communes.sh  # forcer la date écrite
#
# La version est épinglée pour que deux exécutions donnent des fichiers
# identiques octet pour octet ; changer DECOUPAGE_VERSION pour mettre à jour.
set -euo pipefail

PAQUET="@etalab/decoupage-administratif"
VERSION="${DECOUPAGE_VERSION:-6.0.0}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RACINE="$(cd "$SCRIPT_DIR/.." && pwd)"
SORTIE="$RACINE/data"

for outil in node npm; do
  command -v "$outil" >/dev/null 2>&1 || { echo "erreur : $outil introuvable" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "Installation de $PAQUET@$VERSION dans $TMP ..."
npm install --prefix "$TMP" --no-save --no-package-lock --no-audit --no-fund \
  --loglevel=error "$PAQUET@$VERSION" >/dev/null

mkdir -p "$SORTIE"
node "$SCRIPT_DIR/generer-communes.mjs" "$TMP/node_modules/$PAQUET" "$SORTIE"
