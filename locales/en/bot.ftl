## Bot messages (the program uses them: do not rename the ids).
## Guide: dialogues/LISEZMOI.md. Translated from locales/fr/bot.ftl. French command words stay in "quotes", with their English meaning.

accueil = Hello, I am the Manche public engineering guide. In a few questions, I will show you the support schemes that fit your project, and who to contact.
accueil-retour = Hello again! Let's start a new request.
vie-privee = I keep your answers so that we can pick up where we left off, for { $jours } days at most after your last message. To erase everything, type "oublie-moi" (forget me).
message-vide = I did not receive anything.
message-trop-long = Your message is too long for me (over 4,000 characters). Could you sum it up in a few words?
aide-generale = At any time: "retour" (back) goes to the previous question, "recommencer" (start over) starts from scratch, "stop" ends the conversation. You can also ask a question, for example "c'est quoi la DETR" (what is the DETR?).
aide-commune = I need the name of your municipality (for example "Genêts" or "St-Lô"), its postcode or its INSEE code.
aide-nombre = I need a number, for example "800" or "1200".
aide-choix = Reply with the number of a choice (for example "2") or with its words.
aide-oui-non = Reply "oui" (yes) or "non" (no).
aide-texte = Describe it in a few words.
aide-resultats = You can type "détails 1" (details 1) to learn more about a result, "pourquoi pas" (why not) followed by the name of a scheme, ask a question ("qui contacter à la DDTM", who to contact at the DDTM), or type "recommencer" (start over) for another project.
incompris-commune = I cannot find this municipality. Try its full name ("Percy-en-Normandie"), its postcode ("50410") or its INSEE code.
incompris-nombre = I did not understand this number. Write for example "800" or "about 1200".
incompris-choix = I did not recognise this choice. Type its number, for example "1", or a few words from the list:
incompris-oui-non = I did not understand: just reply "oui" (yes) or "non" (no).
incompris-texte = Could you say it in a few words?
incompris-encore = Sorry, I still did not understand. You can answer "je ne sais pas" (I don't know): I will move on. "aide" (help) explains what I expect.
retour-impossible = We are already at the first question.
retour-ok = All right, let's go back.
recommencer-ok = Starting again from scratch.
stop-ok = All right, I will stop here. Write to me whenever you like for a new request. For any engineering request: ingenierie@manche.gouv.fr
reprise = Let's pick up where we left off.
reprise-contenu-change = My questions have changed since we last talked, so I am starting again from the beginning. Sorry.
commune-plusieurs = Several municipalities match. Which one is yours?
commune-hors-manche = { $commune } ({ $departement }) is not in the Manche, and I only know the engineering support offered in the Manche. I will go on with what applies everywhere; for a request, your contact will be the préfecture of your département.
choix-nsp = I don't know
oui = Yes
non = No
statuts-explication-titre = In short:
statuts-aucun-connu = Our data shows no programme for { $commune }. I will go on; you can add this later by typing "retour" (back).
statuts-connus = According to { $nombre ->
    [one] the list of { $editeur } ({ $date }), { $commune } is part of the { $valeur } programme.
   *[other] the lists of { $editeur }, { $commune } is part of the programmes { $valeur }.
} I will note this. To correct it, type "retour" (back).
resultats-titre = { $nombre ->
    [one] Here is the scheme that fits your project:
   *[other] Here are the { $nombre } schemes that best fit your project:
}
resultats-aucun = I cannot find a specific scheme for this profile.
resultats-autres = { $nombre ->
    [one] There is one more option: type "retour" (back) to give the theme or stage and narrow it down.
   *[other] There are { $nombre } more options: type "retour" (back) to give the theme or stage and narrow them down.
}
resultats-details-aide = Type "détails" (details) and a number (for example "détails 1") to learn more, "pourquoi pas" (why not) followed by a name to see why a scheme is missing, or "recommencer" (start over).
resultat-pourquoi = Why: { $raisons }.
resultat-financement = Funding: { $texte }
resultat-charge = Scale: { $texte }
resultat-contact = Contact: { $contacts }
resultat-a-verifier = To check: { $conditions }.
raison-theme = theme "{ $theme }"
raison-tous-themes = open to all projects
raison-etape = stage "{ $etape }"
raison-population-max = municipality with fewer than { $max } inhabitants
raison-population-min = municipality with at least { $min } inhabitants
raison-statut-requis = municipality selected for { $statut }
raison-statut-exclu = municipality not in { $statut }
raison-besoin = { $besoin ->
    [conseil] you are looking for advice
    [financement] you are looking for funding
    [chef-de-projet] you are looking for a project manager
   *[other] meets your need
}
regles-anct = For the ANCT: the project must be led by a local authority and be complex or structuring; the ANCT is meant for the most fragile territories, and how much it covers depends on the authority's fragility; it supports early thinking, not operational studies, works design and supervision (maîtrise d'œuvre) or investment; it does not pay grants; and local engineering support is used first (subsidiarity principle).
anct-pas-travaux = Good to know: ANCT engineering supports early thinking, not operational studies, works design and supervision (MOE) or investment, and the ANCT does not pay grants for local authority projects. For building works, here is what applies.
suite-financement = To fund carrying out the project afterwards: { $liste }.
guichet-unique = For any engineering request, one single point of contact: ingenierie@manche.gouv.fr
details-introuvable = { $nombre ->
    [0] I have no results to detail yet: please answer the questions first.
   *[other] Choose a number between 1 and { $nombre }.
}
details-saisine = How to apply: { $texte }
details-prestations = What is offered:
details-source = Source: { $source }.
pourquoi-pas-introuvable = I don't know any scheme called "{ $nom }". Try asking another way, or write to ingenierie@manche.gouv.fr.
pourquoi-pas-retenu = { $nom } does fit your profile.
pourquoi-pas-population-max = No, because your municipality has { $population } inhabitants: { $nom } is only for municipalities with fewer than { $max } inhabitants.
pourquoi-pas-population-min = No, because your municipality has { $population } inhabitants: { $nom } is for municipalities with at least { $min } inhabitants.
pourquoi-pas-statut-requis = No, because { $nom } is only for municipalities selected for { $statut }.
pourquoi-pas-statut-exclu = No, because your municipality has been selected for { $statut }: { $nom } is only for municipalities that have not.
pourquoi-pas-departement = No: "{ $nom }" is part of what the Manche offers, the only offer I know. To find out what exists where you are, ask the préfecture of your département.
pourquoi-pas-theme = { $nom } covers other themes: { $themes }.
pourquoi-pas-etape = { $nom } applies at other stages: { $etapes }.
pourquoi-pas-profil = I don't know your project yet: answer the questions and I will tell you whether { $nom } applies.
question-rien = I did not find an answer to this question. Write to ingenierie@manche.gouv.fr: the prefecture directs every engineering request.
question-voir-aussi = See also: { $liste }.
question-sigle = { $sigle }: { $developpe }. { $definition }
question-theme = For a "{ $theme }" project, here is the most suitable scheme:
question-theme-piste = For a "{ $theme }" project, a first lead (the questions that follow narrow it down):
question-reprise = Let's go on:
carte-contact-inconnu = { $nom }: write to ingenierie@manche.gouv.fr
carte-tel = Phone:
carte-fax = Fax:
carte-email = Email:
carte-web = Website:
carte-domaines = Areas: { $liste }
carte-modalites = How it works: { $texte }
ingenierie-amont = Early-stage engineering
ingenierie-projet = Project engineering
ingenierie-administrative = Administrative engineering
ingenierie-reglementaire-juridique = Regulatory and legal engineering
ingenierie-fonciere = Land engineering
ingenierie-financiere = Financial engineering
ingenierie-concertation = Public consultation engineering
erreur-interne = A technical problem is stopping me from answering. Please try again in a moment. Meanwhile: ingenierie@manche.gouv.fr
message-indechiffrable = I could not decrypt your last message (its encryption key did not reach me). Could you send it again?
guichet-hors-manche = Outside the Manche, contact the préfecture of your département: it is the entry point for State engineering requests (ANCT).
merci-reponse = You are welcome.
pourquoi-pas-classe = { $nom } could also apply, but other schemes fit your theme and stage better: type "retour" (back) to refine.
excuse-retard = Sorry for the delay: I was not available when you wrote.
oubli-confirme = Do you want me to erase everything I keep about you (your answers and our conversations)? This cannot be undone.
oubli-fait = Done: I have erased everything. If you write again, we will start from scratch. A request you forwarded keeps only its reference, commune and theme here, without your name, contact details or description, and is no longer sent if it was still waiting; an email already sent stays with its recipient (the préfecture, and you for the copy).
oubli-annule = All right, I erase nothing.
discord-choisir = Choose an answer…
discord-bouton-autre = These buttons answer a question asked to someone else. For your own conversation: /orienter.
discord-bouton-perime = This question has already been answered: please answer the last question asked.
discord-serveur-refuse = I do not answer on this server. Write to me in a direct message, or contact ingenierie@manche.gouv.fr.
discord-commande-orienter = Find the support schemes for your project (or resume where you were)
discord-commande-question = Ask a quick question, for example: who to contact at the DDTM?
discord-option-texte = Your question
discord-option-nom = text
rechargement-ok = Content reloaded (version { $version }).
rechargement-inchange = Nothing changed in the content.
rechargement-refuse = Reload refused: { $nombre } error(s). The previous content is still served. { $diagnostics }
recours-guichet = If you prefer, write to ingenierie@manche.gouv.fr: the prefecture directs every engineering request.
question-passee = I am skipping this question so as not to hold you up.
nsp-ok = All right, I will go on without this information.
nsp-garde = All right: I keep { $valeur }, from the official data.
statut-liste-differente = { $nombre ->
    [one] According to the list of { $editeur } ({ $date }), { $commune } is part of the { $valeur } programme. I keep your answer; if the list is right, say so ("en fait on est { $valeur }"): that programme opens other schemes.
   *[other] According to the lists of { $editeur }, { $commune } is part of the programmes { $valeur }. I keep your answer; if the lists are right, say so ("en fait on est …"): these programmes open other schemes.
}
correction-ok = Corrected.
compris = I understood: { $liste }. If I am wrong, say so (for example "non, pas PVD").
compris-commune = commune: { $valeur }
compris-population = { $valeur } inhabitants
compris-programmes = { $valeur ->
    [aucun] no programme
   *[other] programme: { $valeur }
}
compris-themes = theme: { $valeur }
compris-etape = stage: { $valeur }
compris-besoin = help wanted: { $valeur }
compris-porteur = carried by: { $valeur }
suivi-quel-dispositif = Which scheme do you mean? Give its name (for example "la DETR").
suivi-porteurs = project carried by: { $liste }
suivi-sans-condition = The source sets no particular condition for { $nom }.
suivi-conditions = { $nom }: { $liste }.
suivi-population-oui = Yes: with { $population } inhabitants, a commune meets the population conditions of { $nom }.
suivi-population-libre = { $nom } sets no population condition: a commune of { $population } inhabitants can benefit.
suivi-aussi = Also to check: { $liste }.
suivi-cout-inconnu = The source does not give the cost of { $nom }. Ask: { $contacts }.
suivi-cumul = The source does not say whether { $nom } can be combined with other aid. Ask: { $contacts }.
suivi-demarche-inconnue = The source does not describe how to apply for { $nom }: contact { $contacts }.
suivi-duree-inconnue = The source gives no duration for { $nom }. Ask: { $contacts }.
hors-champ = I cannot answer this: I only direct local authorities' projects (engineering, studies, project funding). For { $sujet }, { $porte }
pourquoi-pas-beneficiaire = No, because { $nom } is for projects carried by: { $beneficiaires }.
raison-beneficiaire = project carried by { $porteur ->
    [commune] a commune
    [epci] an intercommunality
   *[other] a local authority
}
reprise-parcours = Let us pick this up where we left it.
resume-titre = Summary "{ $liste }" ({ $nombre } items):
resume-sans-reponse = —
resume-liens = Schemes of the catalogue that relate to them:
resume-cellule = { $titre }: { $valeur }
resume-lien = { $element }: { $liste }
stop-parcours = All right, I stop this path.
demande-titre = Engineering support request – { $commune }
demande-commune-insee = { $commune } (INSEE code { $insee })
demande-aucun-programme = none
demande-champ-commune = Commune:
demande-champ-population = Population:
demande-champ-programmes = Programmes:
demande-champ-themes = Themes:
demande-champ-etape = Project stage:
demande-champ-besoin = Help wanted:
demande-champ-description = The project, in the requester's words:
demande-champ-demandeur = Requester:
demande-champ-contact = Contact:
demande-champ-dispositifs = Schemes proposed by the bot, and why:
resultats-transmettre = Type "transmettre" and I will prepare your request to ingenierie@manche.gouv.fr with you.
## Dates, lists, freshness of the information.
date-mois-annee = { $mois ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $annee }
date-de-mois-annee = { date-mois-annee }
date-jour-mois-annee = { $jour } { date-mois-annee }
liste-et = { $debut } and { $dernier }
programme-date = { $nom } ({ $date })
date-verifiee = { $date }, checked in { $verifie }
information = Information from { $date }.
information-a-confirmer = Information from { $date }: to be confirmed with the contact before you commit.
information-echue = Planned until { $fin } according to information from { $date }: check with the contact how things stand today.
information-annuelle = Yearly call, information from { $date }: check this year's calendar and rules with the contact.
a-confirmer-resultats = This information dates from { $date }: confirm it with the contacts before you commit.
porte-hors-manche = ask your town hall or the préfecture of your département.
contact-hors-manche = the préfecture of your département
carte-hors-manche = This service does not work in your département: for your municipality, contact the préfecture of your département.
saisine-hors-manche = How to apply: outside the Manche, requests go through the préfecture of your département, the entry point for State engineering requests (ANCT).
carte-contact-inconnu-hors-manche = { $nom }: ask the préfecture of your département
guichet-unique-hors-manche = Outside the Manche, contact the préfecture of your département: it is the entry point for State engineering requests (ANCT).
recours-guichet-hors-manche = If you prefer, contact the préfecture of your département: it directs State engineering requests.
question-rien-hors-manche = I did not find an answer to this question. Contact the préfecture of your département: it directs State engineering requests.
pourquoi-pas-introuvable-hors-manche = I do not know any scheme called "{ $nom }". Ask your question another way, or contact the préfecture of your département.
stop-ok-hors-manche = All right, I will stop here. Write to me whenever you like for a new request. For an engineering request, contact the préfecture of your département.

## The stored request: its reference, and how it leaves (render/demande.rs).
demande-envoyee = Your request is recorded under reference { $reference }. I am sending it to { $destinataire }.
demande-copie = You will receive a copy at { $courriel }.
demande-envoi-differe = If the mail server does not answer right away, your request will leave as soon as possible: nothing is lost. Keep the reference to discuss it with the préfecture.
demande-sans-courriel = Your request is recorded under reference { $reference }. No mail server is configured here: I cannot send it myself. Send it to { $destinataire }: here is the ready text, then a link that opens it in your mail client.
demande-objet = Subject: { $objet }
demande-texte-pret = Email to { $destinataire }
demande-lien-titre = To send it
demande-lien = Open in my mail client:
## The email received by the single entry point (kept in French: the préfecture reads it).
courriel-objet = Demande d'accompagnement en ingénierie { $reference } – { $commune }
courriel-intro = Bonjour, voici une demande d'accompagnement en ingénierie pour { $commune }, préparée avec le demandeur par l'aiguilleur, le bot d'orientation de la Manche (référence { $reference }).
courriel-fin = Le demandeur a relu et confirmé ce message avant son envoi. Pour lui répondre, utilisez le contact ci-dessus. Référence à rappeler : { $reference }.
