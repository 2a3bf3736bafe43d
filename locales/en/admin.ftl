## Admin commands (!aide), for the configured admins only.
admin-refus = This command is for the bot's administrators only. For your project, just write your question, or "aide" to see what I can do.
admin-inconnue = Unknown command: "!{ $commande }".
admin-aide = Admin commands (in a private conversation):
admin-aide-aide = !aide: this list.
admin-aide-recharger = !recharger: reads dialogues/, locales/ and data/ again; content that fails the check is refused and the previous one stays in service.
admin-aide-stats = !stats: the anonymous statistics of the last four weeks (details: aiguilleur stats).
admin-aide-sans-reponse = !sans-reponse: the questions left without an answer, grouped, the most frequent first.
admin-stats = Weeks { $depuis } to { $jusqua }: { $conversations } conversations started, { $resultats } reached results, { $demandes } demands forwarded, { $questions } questions without an answer.
admin-stats-semaine = { $semaine }: { $conversations } conversations, { $resultats } with results.
admin-stats-themes = Themes most asked for: { $liste }.
admin-sans-reponse = { $nombre } questions without an answer in { $groupes } groups; the most frequent:
admin-sans-reponse-groupe = { $nombre } × "{ $question }"
admin-sans-reponse-vide = No question without an answer recorded.
