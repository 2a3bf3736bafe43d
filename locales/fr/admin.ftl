## Commandes d'administration (!aide), réservées aux administrateurs configurés.
admin-refus = Cette commande est réservée aux administrateurs du bot. Pour votre projet, écrivez-moi simplement votre question, ou « aide » pour savoir ce que je sais faire.
admin-inconnue = Commande inconnue : « !{ $commande } ».
admin-aide = Commandes d'administration (en conversation privée) :
admin-aide-aide = « !aide » : cette liste.
admin-aide-recharger = « !recharger » : relit dialogues/, locales/ et data/ ; un contenu qui ne passe pas la vérification est refusé et le précédent reste en service.
