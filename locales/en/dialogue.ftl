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
q-statut-confirme = According to our data, { $commune } has been selected for: { $valeur }. Is that right?
choix-pvd = Petites villes de demain (PVD)
choix-acv = Action cœur de ville (ACV)
choix-vda = Villages d'avenir
choix-aucun = No programme
q-theme = What is the main theme of your project? You may give several ("4 and 7").
q-theme-reformule = Say it in your own words ("salle des fêtes" (village hall), "commerce qui ferme" (shop closing), "maison de santé" (health centre)...) or type a number:
q-etape = What stage is the project at?
q-etape-reformule = For example "on y réfléchit" (we are thinking about it), "études" (studies), "travaux" (works), or type a number:
q-besoin = What kind of help are you mainly looking for?
q-besoin-reformule = Advice, funding, or a project manager? Type a number:
