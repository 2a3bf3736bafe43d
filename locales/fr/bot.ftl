## Messages du bot (le programme les utilise : ne pas renommer les identifiants).
## Guide : dialogues/LISEZMOI.md. Typographie : espace fine insécable avant : ; ! ? et dans « ».

accueil = Bonjour, je suis l'aiguilleur de l'ingénierie publique de la Manche. En quelques questions, je vous indique les dispositifs d'appui qui correspondent à votre projet, et qui contacter.
accueil-retour = Bonjour à nouveau ! Reprenons pour une nouvelle demande.
vie-privee = Je garde vos réponses pour reprendre la conversation où elle en est, { $jours } jours au plus après votre dernier message. Pour tout effacer, tapez « oublie-moi ».
message-vide = Je n'ai rien reçu.
message-trop-long = Votre message est trop long pour moi (plus de 4 000 caractères). Pouvez-vous le résumer en quelques mots ?
aide-generale = À tout moment : « retour » revient à la question précédente, « recommencer » repart de zéro, « stop » arrête. Vous pouvez aussi poser une question, par exemple « c'est quoi la DETR ? ».
aide-commune = J'attends le nom de votre commune (par exemple « Genêts » ou « St-Lô »), son code postal ou son code INSEE.
aide-nombre = J'attends un nombre, par exemple « 800 » ou « 1 200 habitants ».
aide-choix = Répondez par le numéro d'un choix (par exemple « 2 ») ou par ses mots.
aide-oui-non = Répondez « oui » ou « non ».
aide-texte = Décrivez-le en quelques mots.
aide-resultats = Vous pouvez taper « détails 1 » pour en savoir plus sur un résultat, « pourquoi pas » suivi du nom d'un dispositif, poser une question (« qui contacter à la DDTM ? »), ou « recommencer » pour un autre projet.
incompris-commune = Je ne trouve pas cette commune. Essayez son nom complet (« Percy-en-Normandie »), son code postal (« 50410 ») ou son code INSEE.
incompris-nombre = Je n'ai pas compris ce nombre. Écrivez par exemple « 800 » ou « environ 1 200 ».
incompris-choix = Je n'ai pas reconnu ce choix. Tapez son numéro, par exemple « 1 », ou quelques mots de la liste :
incompris-oui-non = Je n'ai pas compris : répondez simplement « oui » ou « non ».
incompris-texte = Pouvez-vous le dire en quelques mots ?
incompris-encore = Je n'ai toujours pas compris, désolé. Vous pouvez répondre « je ne sais pas » : je passerai à la suite. « aide » explique ce que j'attends.
retour-impossible = Nous sommes déjà à la première question.
retour-ok = D'accord, revenons en arrière.
recommencer-ok = C'est reparti de zéro.
stop-ok = Très bien, j'arrête là. Écrivez-moi quand vous voulez pour une nouvelle demande. Pour toute demande d'ingénierie : ingenierie@manche.gouv.fr
reprise = Reprenons où nous en étions.
reprise-contenu-change = Mes questions ont changé depuis notre dernier échange : je reprends depuis le début, désolé.
commune-plusieurs = Plusieurs communes correspondent. Laquelle est la vôtre ?
commune-hors-manche = { $commune } ({ $departement }) n'est pas dans la Manche : je ne connais que l'offre d'ingénierie de la Manche. Je continue avec ce qui s'applique partout ; pour une demande, votre interlocuteur sera la préfecture de votre département.
choix-nsp = Je ne sais pas
oui = Oui
non = Non
statuts-explication-titre = En bref :
statuts-aucun-connu = Nos données n'indiquent pas de programme pour { $commune }. Je continue ; vous pourrez préciser plus tard avec « retour ».
statuts-connus = D'après { $nombre ->
    [one] la liste de { $editeur } ({ $date }), { $commune } fait partie du programme { $valeur }.
   *[other] les listes de { $editeur }, { $commune } fait partie des programmes { $valeur }.
} Je retiens cela (« retour » pour corriger).
resultats-titre = { $nombre ->
    [one] Voici le dispositif qui correspond à votre projet :
   *[other] Voici les { $nombre } dispositifs qui correspondent le mieux à votre projet :
}
resultats-aucun = Je ne trouve pas de dispositif précis pour ce profil.
resultats-autres = { $nombre ->
    [one] Une autre piste existe : précisez le thème ou l'étape avec « retour » pour affiner.
   *[other] { $nombre } autres pistes existent : précisez le thème ou l'étape avec « retour » pour affiner.
}
resultats-details-aide = Tapez « détails » et un numéro (par exemple « détails 1 ») pour en savoir plus, « pourquoi pas » suivi d'un nom pour comprendre un dispositif absent, ou « recommencer ».
resultat-pourquoi = Pourquoi : { $raisons }.
resultat-financement = Financement : { $texte }
resultat-charge = Ampleur : { $texte }
resultat-contact = Contact : { $contacts }
resultat-a-verifier = À vérifier : { $conditions }.
raison-theme = thème « { $theme } »
raison-tous-themes = ouvert à tous les projets
raison-etape = étape « { $etape } »
raison-population-max = commune de moins de { $max } habitants
raison-population-min = commune d'au moins { $min } habitants
raison-statut-requis = commune lauréate { $statut }
raison-statut-exclu = commune hors { $statut }
raison-besoin = { $besoin ->
    [conseil] vous cherchez du conseil
    [financement] vous cherchez un financement
    [chef-de-projet] vous cherchez un chef de projet
   *[other] répond à votre besoin
}
regles-anct = Pour l'ANCT : le projet doit être porté par une collectivité et être complexe ou structurant ; l'ANCT a vocation à accompagner les territoires les plus fragiles, et sa prise en charge varie selon la fragilité de la collectivité ; elle accompagne la réflexion en amont, pas les études opérationnelles, la maîtrise d'œuvre ni l'investissement ; elle ne verse pas de subvention ; et l'ingénierie locale est mobilisée d'abord (principe de subsidiarité).
anct-pas-travaux = À savoir : l'ingénierie de l'ANCT accompagne la réflexion en amont, pas les études opérationnelles, la maîtrise d'œuvre (MOE) ni l'investissement, et l'ANCT ne verse pas de subvention aux projets des collectivités. Pour les travaux, voici ce qui s'applique.
suite-financement = Pour financer la réalisation ensuite : { $liste }.
guichet-unique = Pour toute demande d'ingénierie, un point d'entrée unique : ingenierie@manche.gouv.fr
details-introuvable = { $nombre ->
    [0] Je n'ai pas encore de résultats à détailler : répondez d'abord aux questions.
   *[other] Choisissez un numéro entre 1 et { $nombre }.
}
details-saisine = Comment le demander : { $texte }
details-prestations = Ce qui est proposé :
details-source = Source : { $source }.
pourquoi-pas-introuvable = Je ne connais pas de dispositif « { $nom } ». Posez votre question autrement, ou écrivez à ingenierie@manche.gouv.fr.
pourquoi-pas-retenu = { $nom } correspond bien à votre profil.
pourquoi-pas-population-max = Non, car votre commune compte { $population } habitants : { $nom } est réservé aux communes de moins de { $max } habitants.
pourquoi-pas-population-min = Non, car votre commune compte { $population } habitants : { $nom } concerne les communes d'au moins { $min } habitants.
pourquoi-pas-statut-requis = Non, car { $nom } est réservé aux communes lauréates { $statut }.
pourquoi-pas-statut-exclu = Non, car votre commune est lauréate { $statut } : { $nom } est réservé aux communes qui ne le sont pas.
pourquoi-pas-departement = Non : « { $nom } » fait partie de l'offre de la Manche, la seule que je connaisse. Pour savoir ce qui existe chez vous, adressez-vous à la préfecture de votre département.
pourquoi-pas-theme = { $nom } concerne d'autres thèmes : { $themes }.
pourquoi-pas-etape = { $nom } intervient à d'autres étapes : { $etapes }.
pourquoi-pas-profil = Je ne connais pas encore votre projet : répondez aux questions et je vous dirai si { $nom } s'applique.
question-rien = Je n'ai pas trouvé de réponse à cette question. Écrivez à ingenierie@manche.gouv.fr : la préfecture oriente toute demande d'ingénierie.
question-voir-aussi = Voir aussi : { $liste }.
question-sigle = { $sigle } : { $developpe }. { $definition }
question-theme = Pour un projet « { $theme } », voici le dispositif le plus indiqué :
question-theme-piste = Pour un projet « { $theme } », une première piste (les questions qui suivent permettent de mieux cibler) :
question-reprise = Reprenons :
carte-contact-inconnu = { $nom } : passez par ingenierie@manche.gouv.fr
carte-tel = Tél. :
carte-fax = Fax :
carte-email = Courriel :
carte-web = Site :
carte-domaines = Domaines : { $liste }
carte-modalites = Modalités : { $texte }
ingenierie-amont = Ingénierie amont
ingenierie-projet = Ingénierie projet
ingenierie-administrative = Ingénierie administrative
ingenierie-reglementaire-juridique = Ingénierie réglementaire et juridique
ingenierie-fonciere = Ingénierie foncière
ingenierie-financiere = Ingénierie financière
ingenierie-concertation = Ingénierie concertation
erreur-interne = Un problème technique m'empêche de répondre. Réessayez dans un instant ; en attendant : ingenierie@manche.gouv.fr
message-indechiffrable = Je n'ai pas pu déchiffrer votre dernier message (la clé de chiffrement ne m'est pas parvenue). Pouvez-vous l'envoyer à nouveau ?
guichet-hors-manche = Hors de la Manche, adressez-vous à la préfecture de votre département : elle est le point d'entrée des demandes d'ingénierie de l'État (ANCT).
merci-reponse = Avec plaisir.
pourquoi-pas-classe = { $nom } pourrait aussi convenir, mais d'autres dispositifs correspondent mieux à votre thème et à votre étape : tapez « retour » pour préciser.
excuse-retard = Désolé pour ce délai : je n'étais pas disponible quand vous avez écrit.
oubli-confirme = Voulez-vous que j'efface tout ce que je garde de vous (vos réponses et nos conversations) ? C'est définitif.
oubli-fait = C'est fait : j'ai tout effacé. Si vous m'écrivez à nouveau, nous repartirons de zéro. Une demande que vous avez transmise ne garde chez moi que sa référence, sa commune et son thème, sans votre nom, vos coordonnées ni votre description, et n'est plus envoyée si elle attendait encore ; un courriel déjà parti reste chez son destinataire (la préfecture, et vous pour la copie).
oubli-annule = Très bien, je n'efface rien.
discord-choisir = Choisissez une réponse…
discord-bouton-autre = Ces boutons répondent à une question posée à quelqu'un d'autre. Pour votre propre conversation : /orienter.
discord-bouton-perime = Cette question a déjà reçu une réponse : répondez à la dernière question posée.
discord-serveur-refuse = Je ne réponds pas sur ce serveur. Écrivez-moi en message privé, ou adressez-vous à ingenierie@manche.gouv.fr.
discord-commande-orienter = Trouver les dispositifs d'appui pour votre projet (ou reprendre là où vous en étiez)
discord-commande-question = Poser une question rapide, par exemple : qui contacter à la DDTM ?
discord-option-texte = Votre question
discord-option-nom = texte
rechargement-ok = Contenu rechargé (version { $version }).
rechargement-inchange = Rien n'a changé dans le contenu.
rechargement-refuse = Rechargement refusé : { $nombre } erreur(s). Le contenu précédent reste en service. { $diagnostics }
recours-guichet = Si vous préférez, écrivez à ingenierie@manche.gouv.fr : la préfecture oriente toute demande d'ingénierie.
question-passee = Je passe cette question pour ne pas vous bloquer.
nsp-ok = D'accord, je continue sans cette information.
nsp-garde = D'accord : je garde { $valeur }, d'après les données officielles.
statut-liste-differente = { $nombre ->
    [one] D'après la liste de { $editeur } ({ $date }), { $commune } fait partie du programme { $valeur }. Je garde votre réponse ; si la liste a raison, dites-le (« en fait on est { $valeur } ») : ce programme ouvre d'autres dispositifs.
   *[other] D'après les listes de { $editeur }, { $commune } fait partie des programmes { $valeur }. Je garde votre réponse ; si les listes ont raison, dites-le (« en fait on est … ») : ces programmes ouvrent d'autres dispositifs.
}
correction-ok = C'est corrigé.
compris = J'ai compris : { $liste }. Si je me trompe, dites-le (par exemple « non, pas PVD »).
compris-commune = commune : { $valeur }
compris-population = { $valeur } habitants
compris-programmes = { $valeur ->
    [aucun] aucun programme
   *[other] programme : { $valeur }
}
compris-themes = thème : { $valeur }
compris-etape = étape : { $valeur }
compris-besoin = aide cherchée : { $valeur }
compris-porteur = porté par : { $valeur }
suivi-quel-dispositif = De quel dispositif parlez-vous ? Donnez son nom (par exemple « la DETR » ou « les études Petites centralités »).
suivi-porteurs = projet porté par : { $liste }
suivi-sans-condition = La source ne fixe pas de condition particulière pour { $nom }.
suivi-conditions = { $nom } : { $liste }.
suivi-population-oui = Oui : avec { $population } habitants, une commune entre dans les conditions de population de { $nom }.
suivi-population-libre = { $nom } ne fixe pas de condition de population : une commune de { $population } habitants peut en bénéficier.
suivi-aussi = À vérifier aussi : { $liste }.
suivi-cout-inconnu = La source ne précise pas le coût de { $nom }. Demandez-le à : { $contacts }.
suivi-cumul = La source ne dit pas si { $nom } se cumule avec d'autres aides. Posez la question à : { $contacts }.
suivi-demarche-inconnue = La source ne précise pas la démarche pour { $nom } : adressez-vous à { $contacts }.
suivi-duree-inconnue = La source ne précise pas de durée pour { $nom }. Demandez-la à : { $contacts }.
hors-champ = Je ne peux pas vous répondre sur ce point : je n'oriente que les projets des collectivités (ingénierie, études, financements de projets). Pour { $sujet }, { $porte }
pourquoi-pas-beneficiaire = Non, car { $nom } s'adresse aux projets portés par : { $beneficiaires }.
raison-beneficiaire = projet porté par { $porteur ->
    [commune] une commune
    [epci] une intercommunalité
   *[other] une collectivité
}
reprise-parcours = Reprenons ce parcours où nous en étions.
resume-titre = Synthèse « { $liste } » ({ $nombre } éléments) :
resume-sans-reponse = —
resume-liens = Dispositifs du catalogue qui s'y rapportent :
resume-cellule = { $titre } : { $valeur }
resume-lien = { $element } : { $liste }
stop-parcours = D'accord, j'arrête ce parcours.
demande-titre = Demande d'accompagnement en ingénierie – { $commune }
demande-commune-insee = { $commune } (code INSEE { $insee })
demande-aucun-programme = aucun
demande-champ-commune = Commune :
demande-champ-population = Population :
demande-champ-programmes = Programmes :
demande-champ-themes = Thèmes :
demande-champ-etape = Étape du projet :
demande-champ-besoin = Aide cherchée :
demande-champ-description = Le projet, dans les mots du demandeur :
demande-champ-demandeur = Demandeur :
demande-champ-contact = Contact :
demande-champ-dispositifs = Dispositifs proposés par l'aiguilleur, et pourquoi :
resultats-transmettre = Tapez « transmettre » pour que je prépare avec vous votre demande à ingenierie@manche.gouv.fr.
## Dates, listes, fraîcheur des informations (render/mod.rs, render/annotate.rs).
## $mois et $jour sont des nombres, $annee un texte : « août 2024 », « d'août 2024 », « 1er décembre 2026 ».
date-mois-annee = { $mois ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
} { $annee }
date-de-mois-annee = { $mois ->
    [4] d'avril { $annee }
    [8] d'août { $annee }
    [10] d'octobre { $annee }
   *[other] de { date-mois-annee }
}
date-jour-mois-annee = { $jour ->
    [1] 1er
   *[other] { $jour }
} { date-mois-annee }
liste-et = { $debut } et { $dernier }
programme-date = { $nom } ({ $date })
date-verifiee = { $date }, vérifiée en { $verifie }
information = Information { $date }.
information-a-confirmer = Information { $date } : à confirmer auprès du contact avant de vous engager.
information-echue = Prévu jusqu'au { $fin } d'après une information { $date } : vérifiez auprès du contact ce qu'il en est aujourd'hui.
information-annuelle = Appel annuel, information { $date } : vérifiez auprès du contact le calendrier et les règles de cette année.
a-confirmer-resultats = Ces informations datent { $date } : confirmez-les auprès des contacts avant de vous engager.
## Hors de la Manche : le bot n'envoie jamais vers les contacts de la Manche. Un message « X-hors-manche »
## remplace le message « X » quand la commune de la personne est dans un autre département.
porte-hors-manche = adressez-vous à votre mairie ou à la préfecture de votre département.
contact-hors-manche = la préfecture de votre département
carte-hors-manche = Ce service n'intervient pas dans votre département : pour votre commune, adressez-vous à la préfecture de votre département.
saisine-hors-manche = Comment le demander : hors de la Manche, la demande passe par la préfecture de votre département, point d'entrée des demandes d'ingénierie de l'État (ANCT).
carte-contact-inconnu-hors-manche = { $nom } : renseignez-vous auprès de la préfecture de votre département
guichet-unique-hors-manche = Hors de la Manche, adressez-vous à la préfecture de votre département : elle est le point d'entrée des demandes d'ingénierie de l'État (ANCT).
recours-guichet-hors-manche = Si vous préférez, adressez-vous à la préfecture de votre département : elle oriente les demandes d'ingénierie de l'État.
question-rien-hors-manche = Je n'ai pas trouvé de réponse à cette question. Adressez-vous à la préfecture de votre département : elle oriente les demandes d'ingénierie de l'État.
pourquoi-pas-introuvable-hors-manche = Je ne connais pas de dispositif « { $nom } ». Posez votre question autrement, ou adressez-vous à la préfecture de votre département.
stop-ok-hors-manche = Très bien, j'arrête là. Écrivez-moi quand vous voulez pour une nouvelle demande. Pour une demande d'ingénierie, adressez-vous à la préfecture de votre département.

## La demande enregistrée : sa référence, et comment elle part (render/demande.rs).
demande-envoyee = Votre demande est enregistrée sous la référence { $reference }. Je l'envoie à { $destinataire }.
demande-copie = Vous en recevrez une copie à { $courriel }.
demande-envoi-differe = Si la messagerie ne répond pas tout de suite, votre demande partira dès que possible : rien n'est perdu. Gardez la référence pour en parler avec la préfecture.
demande-sans-courriel = Votre demande est enregistrée sous la référence { $reference }. Aucune messagerie n'est configurée ici : je ne peux pas l'envoyer moi-même. Envoyez-la à { $destinataire } : voici le texte prêt à copier, puis un lien qui l'ouvre dans votre messagerie.
demande-objet = Objet : { $objet }
demande-texte-pret = Courriel à { $destinataire }
demande-lien-titre = Pour l'envoyer
demande-lien = Ouvrir dans ma messagerie :
## Le courriel reçu par le guichet unique.
courriel-objet = Demande d'accompagnement en ingénierie { $reference } – { $commune }
courriel-intro = Bonjour, voici une demande d'accompagnement en ingénierie pour { $commune }, préparée avec le demandeur par l'aiguilleur, le bot d'orientation de la Manche (référence { $reference }).
courriel-fin = Le demandeur a relu et confirmé ce message avant son envoi. Pour lui répondre, utilisez le contact ci-dessus. Référence à rappeler : { $reference }.
