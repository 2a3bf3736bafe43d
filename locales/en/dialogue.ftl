## Questions and choices of the guidance dialogue (dialogues/orientation.toml).

q-commune = What is your municipality? (name, postcode or INSEE code)
q-commune-reformule = I did not find this municipality. Give its full name ("Percy-en-Normandie"), its postcode ("50410") or its INSEE code ("50393").
q-population = How many inhabitants does { $commune_connue ->
    [non] your commune
   *[other] { $commune }
} have?
q-population-reformule = Roughly how many inhabitants? For example "800" or "1200".
q-population-confirme = According to INSEE, { $commune } has { $valeur } inhabitants. Is that right?
q-statut = Is your municipality part of one of these programmes? (you may choose more than one)
q-statut-reformule = Reply with one or more numbers, for example "1" or "1, 3", or "aucun" (none).
q-statut-confirme = { $nombre ->
    [one] According to the list of { $editeur } ({ $date }), { $commune } is part of the { $valeur } programme. Is that right?
   *[other] According to the lists of { $editeur }, { $commune } is part of the programmes { $valeur }. Is that right?
}
choix-pvd = Petites villes de demain (PVD)
choix-acv = Action cœur de ville (ACV)
choix-vda = Villages d'avenir
choix-qpv = Priority neighbourhood of urban policy (QPV)
choix-ti = Territoires d'industrie (industrial territories)
choix-aucun = No programme
q-theme = What is the main theme of your project? You may give several ("4 and 7").
q-theme-reformule = Say it in your own words ("salle des fêtes" (village hall), "commerce qui ferme" (shop closing), "maison de santé" (health centre)...) or type a number:
q-etape = What stage is the project at?
q-etape-reformule = For example "on y réfléchit" (we are thinking about it), "études" (studies), "travaux" (works), or type a number:
q-besoin = What kind of help are you mainly looking for?
q-besoin-reformule = Advice, funding, or a project manager? Type a number:
leviers-presentation = You can also review the ecological planning levers of your territory: type "leviers".
leviers-intro = Ecological planning levers questionnaire (regional COP): for each lever, say whether it is relevant for your territory and already under way, then two diagnosis questions. "passer" skips a question, "retour" goes back, "orientation" takes you back to your project.
q-leviers-commune = For which commune (or local authority) are you answering?
q-leviers-secteur = Which sector do you want to review?
q-leviers-secteur-reformule = Type a sector's number, for example "2", or "tous" (all):
choix-tous-secteurs = All sectors (43 levers)
q-levier-pertinent = Lever { $numero }/{ $total } ({ $secteur }): "{ $element }". Is this action relevant for your territory?
q-levier-en-cours = "{ $element }": is it already, or being, implemented?
q-levier-diag-collectivite = Diagnosis "{ $element }": do your authority's actions match what is at stake for the region in 2030?
q-levier-diag-acteurs = Diagnosis "{ $element }": are the actions of all stakeholders (State, local authorities, businesses, citizens) up to what is at stake for the region in 2030?
leviers-fin = Thank you. Here is your summary, to bring to the discussion of your ecological transition contract (CRTE), where the ecological planning projects are written.
col-pertinent = relevant
col-en-cours = under way
col-diag-collectivite = authority's efforts sufficient
col-diag-acteurs = everyone's efforts sufficient
demande-intro = Let us prepare your request to the prefecture's single entry point, ingenierie@manche.gouv.fr.
demande-intro-courte = I take up what you told me of your project; a few things are missing.
q-demande-commune = For which commune is this request?
q-demande-description = Describe your project in two or three sentences, in your own words: what you want to do, where you are, what you lack.
q-demande-description-reformule = A few sentences are enough.
q-demande-nom = What is your name?
q-demande-nom-reformule = Your name, so that the prefecture knows who asks:
q-demande-qualite = What is your role?
q-demande-qualite-reformule = Type the number of your role:
choix-maire = Mayor
choix-adjoint = Deputy mayor or councillor
choix-secretaire = Town clerk
choix-agent-epci = Intercommunality officer
choix-autre-fonction = Other
q-demande-contact = How can the prefecture reach you? Give an email and, if you wish, a phone number.
q-demande-contact-reformule = I found no email nor phone number. Write for example "mairie@genets.fr".
q-demande-contact-confirme = I can give your Tchap address, { $valeur }, for the reply. Is that right?
demande-apercu = Here is the message I will send to ingenierie@manche.gouv.fr:
q-demande-confirmer = Shall I send it?
choix-envoyer = Send
choix-modifier = Change
choix-annuler = Cancel
q-demande-quoi-modifier = What do you want to change?
choix-modifier-description = The project's description
choix-modifier-nom = Name and role
choix-modifier-contact = The contact
demande-annulee = Request cancelled: nothing was sent.
