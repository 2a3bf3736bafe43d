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
q-statut-confirme = { $nombre ->
    [one] D'après la liste de { $editeur } ({ $date }), { $commune } fait partie du programme { $valeur }. C'est bien ça ?
   *[other] D'après les listes de { $editeur }, { $commune } fait partie des programmes { $valeur }. C'est bien ça ?
}
choix-pvd = Petites villes de demain (PVD)
choix-acv = Action cœur de ville (ACV)
choix-vda = Villages d'avenir
choix-qpv = Quartier prioritaire de la politique de la ville (QPV)
choix-ti = Territoires d'industrie
choix-aucun = Aucun programme
q-theme = Quel est le thème principal de votre projet ? Vous pouvez en donner plusieurs (« 4 et 7 »).
q-theme-reformule = Dites-le avec vos mots (« salle des fêtes », « commerce qui ferme », « maison de santé »…) ou tapez un numéro :
q-etape = Où en est le projet ?
q-etape-reformule = Par exemple « on y réfléchit », « études », « travaux », ou tapez un numéro :
q-besoin = Quel type d'aide cherchez-vous surtout ?
q-besoin-reformule = Du conseil, un financement, ou un chef de projet ? Tapez un numéro :
leviers-presentation = Vous pouvez aussi passer en revue les leviers de la planification écologique de votre territoire : tapez « leviers ».
leviers-intro = Questionnaire des leviers de la planification écologique (COP régionale) : pour chaque levier d'action, dites s'il est pertinent pour votre territoire et s'il est déjà en œuvre, puis deux questions de diagnostic. « passer » saute une question, « retour » revient en arrière, « orientation » vous ramène à votre projet.
q-leviers-commune = Pour quelle commune (ou collectivité) répondez-vous ?
q-leviers-secteur = Quel secteur voulez-vous passer en revue ?
q-leviers-secteur-reformule = Tapez le numéro d'un secteur, par exemple « 2 », ou « tous » :
choix-tous-secteurs = Tous les secteurs (43 leviers)
q-levier-pertinent = Levier { $numero }/{ $total } ({ $secteur }) : « { $element } ». Cette action est-elle pertinente pour votre territoire ?
q-levier-en-cours = « { $element } » : est-elle déjà, ou en cours, de mise en œuvre ?
q-levier-diag-collectivite = Diagnostic « { $element } » : l'ampleur des actions de votre collectivité contribue-t-elle à hauteur des enjeux pour le territoire régional en 2030 ?
q-levier-diag-acteurs = Diagnostic « { $element } » : les actions de l'ensemble des parties prenantes (État, collectivités, entreprises, citoyens) sont-elles à la hauteur des enjeux pour le territoire régional en 2030 ?
leviers-fin = Merci. Voici votre synthèse, à porter dans la discussion de votre contrat de réussite pour la transition écologique (CRTE), où se déclinent les projets de la planification écologique.
col-pertinent = pertinent
col-en-cours = déjà en œuvre
col-diag-collectivite = efforts de la collectivité à la hauteur
col-diag-acteurs = efforts de tous à la hauteur
demande-intro = Je prépare avec vous votre demande au guichet unique de la préfecture, ingenierie@manche.gouv.fr.
demande-intro-courte = Je reprends ce que vous m'avez dit de votre projet ; il me manque quelques informations.
q-demande-commune = Pour quelle commune faites-vous cette demande ?
q-demande-description = Décrivez votre projet en deux ou trois phrases, avec vos mots : ce que vous voulez faire, où vous en êtes, ce qui vous manque.
q-demande-description-reformule = Quelques phrases suffisent, par exemple : « Nous voulons transformer l'ancien presbytère en logements ; nous cherchons une étude de faisabilité. »
q-demande-nom = Quels sont vos nom et prénom ?
q-demande-nom-reformule = Votre nom, pour que la préfecture sache qui la sollicite (par exemple « Marie Dupont ») :
q-demande-qualite = Quelle est votre fonction ?
q-demande-qualite-reformule = Tapez le numéro de votre fonction :
choix-maire = Maire
choix-adjoint = Adjoint ou conseiller municipal
choix-secretaire = Secrétaire de mairie
choix-agent-epci = Agent d'intercommunalité (EPCI)
choix-autre-fonction = Autre fonction
q-demande-contact = Comment la préfecture peut-elle vous joindre ? Donnez un courriel et, si vous le souhaitez, un téléphone.
q-demande-contact-reformule = Je n'ai trouvé ni courriel ni téléphone. Écrivez par exemple « mairie@genets.fr » ou « 02 33 00 00 00 ».
q-demande-contact-confirme = Je peux indiquer votre adresse Tchap, { $valeur }, pour vous répondre. C'est bien ça ?
demande-apercu = Voici le message que je transmettrai à ingenierie@manche.gouv.fr :
q-demande-confirmer = Je l'envoie ?
choix-envoyer = Envoyer
choix-modifier = Modifier
choix-annuler = Annuler
q-demande-quoi-modifier = Que voulez-vous modifier ?
choix-modifier-description = La description du projet
choix-modifier-nom = Le nom et la fonction
choix-modifier-contact = Le contact
demande-annulee = Demande annulée : rien n'a été envoyé.
