## Commandes d'administration (!aide), réservées aux administrateurs configurés.
admin-refus = Cette commande est réservée aux administrateurs du bot. Pour votre projet, écrivez-moi simplement votre question, ou « aide » pour savoir ce que je sais faire.
admin-inconnue = Commande inconnue : « !{ $commande } ».
admin-aide = Commandes d'administration (en conversation privée) :
admin-aide-aide = « !aide » : cette liste.
admin-aide-recharger = « !recharger » : relit dialogues/, locales/ et data/ ; un contenu qui ne passe pas la vérification est refusé et le précédent reste en service.
admin-aide-demandes = « !demandes » : les dix dernières demandes transmises (référence, date, commune, état).
admin-demandes-titre = Dernières demandes transmises ({ $nombre }) :
admin-demandes-aucune = Aucune demande transmise pour l'instant.
admin-demandes-ligne = { $reference } · { $date } · { $commune } · { $statut }
demande-statut-en-attente = en attente d'envoi
demande-statut-envoyee = envoyée le { $date }
demande-statut-echec = échec : { $erreur }
demande-statut-manuelle = à envoyer par le demandeur (pas de messagerie configurée)
demande-statut-annulee = annulée (« oublie-moi » avant l'envoi)
