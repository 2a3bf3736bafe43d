// Écrit les fichiers de communes à partir des données de
// @etalab/decoupage-administratif. Node seul, sans dépendance.
//
// Usage : node scripts/generer-communes.mjs <dossier du paquet> <dossier data>
// (normalement appelé par scripts/generer-communes.sh)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dossierPaquet, dossierSortie] = process.argv.slice(2);
if (!dossierPaquet || !dossierSortie) {
  console.error('usage : node generer-communes.mjs <dossier du paquet> <dossier data>');
  process.exit(2);
}

const DEPARTEMENT = '50'; // Manche
const lireJson = (nom) => JSON.parse(readFileSync(join(dossierPaquet, nom), 'utf8'));

const paquet = lireJson('package.json');
const communes = lireJson('data/communes.json');
const epcis = lireJson('data/epci.json');
const departements = lireJson('data/departements.json');

function echec(message) {
  console.error(`erreur : ${message}`);
  process.exit(1);
}

// --- Index EPCI : code INSEE de la commune -> EPCI (epci.json : code, nom, membres[].code)
const epciParCommune = new Map();
for (const epci of epcis) {
  if (typeof epci.code !== 'string' || typeof epci.nom !== 'string' || !Array.isArray(epci.membres)) {
    echec('epci.json : champs code/nom/membres attendus');
  }
  for (const membre of epci.membres) {
    if (epciParCommune.has(membre.code)) {
      echec(`commune ${membre.code} membre de deux EPCI`);
    }
    epciParCommune.set(membre.code, epci);
  }
}

// --- Noms des départements (departements.json : code, nom)
const nomDepartement = new Map(departements.map((d) => [d.code, d.nom]));

// --- Communes actuelles seulement (exclut arrondissements municipaux,
// communes déléguées et communes associées)
const actuelles = communes.filter((c) => c.type === 'commune-actuelle');
if (actuelles.length === 0) echec('aucune commune de type "commune-actuelle"');
for (const c of actuelles) {
  if (typeof c.code !== 'string' || typeof c.nom !== 'string' || typeof c.departement !== 'string') {
    echec(`communes.json : champs code/nom/departement attendus (${JSON.stringify(c)})`);
  }
}
const parCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
actuelles.sort(parCode);
for (let i = 1; i < actuelles.length; i++) {
  if (actuelles[i].code === actuelles[i - 1].code) echec(`code INSEE en double : ${actuelles[i].code}`);
}

// --- CSV (RFC 4180 : guillemets seulement si nécessaire ; fin de ligne LF)
function champ(valeur) {
  const s = valeur === undefined || valeur === null ? '' : String(valeur);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const ligne = (valeurs) => valeurs.map(champ).join(',') + '\n';
const codesPostaux = (c) => [...new Set(c.codesPostaux ?? [])].sort().join(' ');

let manche = ligne(['insee', 'nom', 'codes_postaux', 'population', 'epci_siren', 'epci_nom']);
let horsManche = ligne(['insee', 'nom', 'codes_postaux', 'departement', 'departement_nom']);
let nManche = 0;
let nHorsManche = 0;
let nMancheSansEpci = 0;
for (const c of actuelles) {
  if (c.departement === DEPARTEMENT) {
    const epci = epciParCommune.get(c.code);
    if (!epci) nMancheSansEpci++;
    manche += ligne([c.code, c.nom, codesPostaux(c), c.population, epci?.code, epci?.nom]);
    nManche++;
  } else {
    const nomDep = nomDepartement.get(c.departement);
    if (nomDep === undefined) echec(`département inconnu ${c.departement} (commune ${c.code})`);
    horsManche += ligne([c.code, c.nom, codesPostaux(c), c.departement, nomDep]);
    nHorsManche++;
  }
}
if (nManche < 400) echec(`seulement ${nManche} communes dans la Manche : données suspectes`);

// --- Anciennes communes de la Manche : communes déléguées et associées,
// rattachées à la commune actuelle dont elles font partie (champ chefLieu de
// communes.json). Sert à reconnaître un ancien nom de commune.
const TYPES_ANCIENNES = ['commune-deleguee', 'commune-associee'];
// Clé de comparaison : sans accents ni casse (« Sainte-Mère-Église » = « sainte-mere-eglise »)
const cleNom = (nom) => nom.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const actuellesParCode = new Map(actuelles.map((c) => [c.code, c]));
const anciennes = [];
let nAnciennesMemeNom = 0;
for (const c of communes) {
  if (!TYPES_ANCIENNES.includes(c.type)) continue;
  if (typeof c.nom !== 'string' || typeof c.chefLieu !== 'string' || typeof c.departement !== 'string') {
    echec(`communes.json : champs nom/chefLieu/departement attendus (${JSON.stringify(c)})`);
  }
  const actuelle = actuellesParCode.get(c.chefLieu);
  if (!actuelle) echec(`${c.type} ${c.code} (${c.nom}) : chefLieu ${c.chefLieu} n'est pas une commune actuelle`);
  const dansManche = actuelle.departement === DEPARTEMENT;
  if (dansManche !== (c.departement === DEPARTEMENT)) {
    echec(`${c.type} ${c.code} (${c.nom}) : département ${c.departement}, ` +
      `mais commune actuelle ${actuelle.code} dans le ${actuelle.departement}`);
  }
  if (!dansManche) continue;
  // Ancien nom identique à celui de la commune actuelle : rien à reconnaître de plus
  if (cleNom(c.nom) === cleNom(actuelle.nom)) {
    nAnciennesMemeNom++;
    continue;
  }
  anciennes.push({ nom: c.nom, insee: actuelle.code, type: c.type });
}
// Tri par nom (sans accents ni casse, puis nom exact : ordre stable, « Éculleville »
// parmi les E), puis code INSEE
const comparer = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
anciennes.sort((a, b) =>
  comparer(cleNom(a.nom), cleNom(b.nom)) || comparer(a.nom, b.nom) || comparer(a.insee, b.insee));
for (let i = 1; i < anciennes.length; i++) {
  if (anciennes[i].nom === anciennes[i - 1].nom && anciennes[i].insee === anciennes[i - 1].insee) {
    echec(`ancienne commune en double : ${anciennes[i].nom} (${anciennes[i].insee})`);
  }
}
if (anciennes.length < 100) echec(`seulement ${anciennes.length} anciennes communes dans la Manche : données suspectes`);
// Anciens noms partagés par plusieurs communes actuelles (signalés, pas bloquants)
const inseeParNom = new Map(); // clé du nom -> { nom, codes }
for (const a of anciennes) {
  const cle = cleNom(a.nom);
  if (!inseeParNom.has(cle)) inseeParNom.set(cle, { nom: a.nom, codes: new Set() });
  inseeParNom.get(cle).codes.add(a.insee);
}
const nomsAmbigus = [...inseeParNom.values()].filter((n) => n.codes.size > 1);
let csvAnciennes = ligne(['nom', 'insee', 'type']);
for (const a of anciennes) csvAnciennes += ligne([a.nom, a.insee, a.type]);

// --- Écriture (seulement si le contenu change)
const chemin = (nom) => join(dossierSortie, nom);
const lire = (nom) => (existsSync(chemin(nom)) ? readFileSync(chemin(nom), 'utf8') : null);
function ecrire(nom, contenu) {
  if (lire(nom) !== contenu) writeFileSync(chemin(nom), contenu, 'utf8');
}

// Date de génération : conservée si les données et la version n'ont pas
// changé, pour qu'une nouvelle exécution donne des fichiers identiques.
const sourceExistante = lire('communes.SOURCE.md');
const inchange =
  lire('communes.csv') === manche &&
  lire('communes-hors-manche.csv') === horsManche &&
  lire('communes-anciennes.csv') === csvAnciennes &&
  sourceExistante !== null &&
  sourceExistante.includes(`\`${paquet.name}\` version ${paquet.version}`);
const dateExistante = sourceExistante?.match(/^- Généré le : (\d{4}-\d{2}-\d{2})$/m)?.[1];
const dateGeneration =
  process.env.DATE_GENERATION || (inchange && dateExistante) || new Date().toISOString().slice(0, 10);

const source = `# Provenance des données de communes

- Fichiers : \`communes.csv\` (communes de la Manche, département 50) et
  \`communes-hors-manche.csv\` (toutes les autres communes de France, outre-mer compris).
- \`communes-anciennes.csv\` (colonnes \`nom,insee,type\`) : communes déléguées et
  associées de la Manche, avec le code INSEE de la commune actuelle dont elles font
  partie, pour reconnaître une personne qui tape le nom d'une ancienne commune.
- Paquet npm : \`${paquet.name}\` version ${paquet.version}.
- Licence : code du paquet sous licence MIT ; données sous Licence Ouverte
  d'Etalab (réutilisation libre, mention de la source).
- Origine des données : Code officiel géographique de l'INSEE (communes
  actuelles au sens du COG, hors arrondissements municipaux, communes
  déléguées et communes associées), mis en forme par Etalab ; populations
  municipales légales de l'INSEE ; codes postaux de la base officielle La
  Poste ; appartenance aux EPCI à fiscalité propre d'après la DGCL.
- Généré le : ${dateGeneration}
- Pour régénérer : \`scripts/generer-communes.sh\` (version du paquet épinglée
  dans le script ; \`DECOUPAGE_VERSION=x.y.z scripts/generer-communes.sh\` pour
  une autre version).

## statuts-communes.csv

Le fichier \`statuts-communes.csv\` (colonnes \`insee,statut,source,verifie_le\`)
n'est pas produit par le script : il est édité par les agents, à raison d'une
ligne par commune et par statut (\`pvd\` pour Petites villes de demain, \`acv\`
pour Action cœur de ville, \`vda\` pour Villages d'avenir). Une ligne n'y est
ajoutée que si une source publique (URL ou référence d'un document) confirmant
le statut est indiquée dans la colonne \`source\`, avec la date de vérification
(AAAA-MM-JJ) dans \`verifie_le\`.
`;

// statuts-communes.csv : créé vide (en-tête seul) s'il manque, jamais écrasé.
const enteteStatuts = 'insee,statut,source,verifie_le';
const statuts = lire('statuts-communes.csv');
if (statuts !== null && statuts.split('\n')[0].replace(/\r$/, '') !== enteteStatuts) {
  echec(`statuts-communes.csv existe mais son en-tête n'est pas « ${enteteStatuts} »`);
}

ecrire('communes.csv', manche);
ecrire('communes-hors-manche.csv', horsManche);
ecrire('communes-anciennes.csv', csvAnciennes);
ecrire('communes.SOURCE.md', source);
if (statuts === null) writeFileSync(chemin('statuts-communes.csv'), enteteStatuts + '\n', 'utf8');

console.log(`Paquet : ${paquet.name}@${paquet.version}`);
console.log(`communes.csv : ${nManche} communes (Manche)` +
  (nMancheSansEpci ? `, dont ${nMancheSansEpci} sans EPCI` : ''));
console.log(`communes-hors-manche.csv : ${nHorsManche} communes`);
console.log(`communes-anciennes.csv : ${anciennes.length} anciennes communes (Manche)` +
  (nAnciennesMemeNom ? `, ${nAnciennesMemeNom} omises car de même nom que leur commune actuelle` : ''));
for (const { nom, codes } of nomsAmbigus) {
  console.log(`  attention : ancien nom « ${nom} » partagé par les communes ${[...codes].sort().join(', ')}`);
}
console.log(`Date de génération : ${dateGeneration}`);
