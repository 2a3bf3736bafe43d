## Admin commands (!aide), for the configured admins only.
admin-refus = This command is for the bot's administrators only. For your project, just write your question, or "aide" to see what I can do.
admin-inconnue = Unknown command: "!{ $commande }".
admin-aide = Admin commands (in a private conversation):
admin-aide-aide = !aide: this list.
admin-aide-recharger = !recharger: reads dialogues/, locales/ and data/ again; content that fails the check is refused and the previous one stays in service.
admin-aide-demandes = !demandes: the last ten forwarded requests (reference, date, commune, status).
admin-demandes-titre = Last forwarded requests ({ $nombre }):
admin-demandes-aucune = No request forwarded yet.
admin-demandes-ligne = { $reference } · { $date } · { $commune } · { $statut }
demande-statut-en-attente = waiting to be sent
demande-statut-envoyee = sent on { $date }
demande-statut-echec = failed: { $erreur }
demande-statut-manuelle = to be sent by the requester (no mail server configured)
demande-statut-annulee = cancelled ("oublie-moi" before sending)
