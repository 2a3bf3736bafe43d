## Questions et choix du dialogue d'orientation (dialogues/orientation.toml).

q-commune = Quelle est votre commune ? (nom, code postal ou code INSEE)
q-commune-reformule = Je n'ai pas trouvé cette commune. Donnez son nom complet (« Percy-en-Normandie »), son code postal (« 50410 ») ou son code INSEE (« 50393 »).
q-population = Combien d'habitants compte { $commune_connue ->
    [non] votre commune
   *[other] { $commune }
} ?
q-population-reformule = Quel est le nombre d'habitants, à peu près ? Par exemple « 800 » ou « 1 200 ».
q-population-confirme = D'après l'INSEE, { $commune } compte { $valeur } habitants. C'est bien ça ?
q-statut = Votre commune fait-elle partie d'un de ces programmes ? (plusieurs réponses possibles)
q-statut-reformule = Répondez par un ou plusieurs numéros, par exemple « 1 » ou « 1 et 3 », ou « aucun ».
q-statut-confirme = D'après nos données, { $commune } est lauréate de : { $valeur }. C'est bien ça ?
choix-pvd = Petites villes de demain (PVD)
choix-acv = Action cœur de ville (ACV)
choix-vda = Villages d'avenir
choix-aucun = Aucun programme
q-theme = Quel est le thème principal de votre projet ? Vous pouvez en donner plusieurs (« 4 et 7 »).
q-theme-reformule = Dites-le avec vos mots (« salle des fêtes », « commerce qui ferme », « maison de santé »…) ou tapez un numéro :
q-etape = Où en est le projet ?
q-etape-reformule = Par exemple « on y réfléchit », « études », « travaux », ou tapez un numéro :
q-besoin = Quel type d'aide cherchez-vous surtout ?
q-besoin-reformule = Du conseil, un financement, ou un chef de projet ? Tapez un numéro :
