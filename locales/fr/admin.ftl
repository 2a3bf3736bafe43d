## Commandes d'administration (!aide), réservées aux administrateurs configurés.
admin-refus = Cette commande est réservée aux administrateurs du bot. Pour votre projet, écrivez-moi simplement votre question, ou « aide » pour savoir ce que je sais faire.
admin-inconnue = Commande inconnue : « !{ $commande } ».
admin-aide = Commandes d'administration (en conversation privée) :
admin-aide-aide = « !aide » : cette liste.
admin-aide-recharger = « !recharger » : relit dialogues/, locales/ et data/ ; un contenu qui ne passe pas la vérification est refusé et le précédent reste en service.
admin-aide-stats = « !stats » : les statistiques anonymes des quatre dernières semaines (le détail : aiguilleur stats).
admin-aide-sans-reponse = « !sans-reponse » : les questions restées sans réponse, regroupées, les plus fréquentes d'abord.
admin-stats = Semaines { $depuis } à { $jusqua } : { $conversations } conversations commencées, { $resultats } arrivées aux résultats, { $demandes } demandes transmises, { $questions } questions sans réponse.
admin-stats-semaine = { $semaine } : { $conversations } conversations, { $resultats } avec résultats.
admin-stats-themes = Thèmes les plus demandés : { $liste }.
admin-sans-reponse = { $nombre } questions sans réponse en { $groupes } groupes ; les plus fréquentes :
admin-sans-reponse-groupe = { $nombre } × « { $question } »
admin-sans-reponse-vide = Aucune question sans réponse enregistrée.
