## Admin commands (!aide), for the configured admins only.
admin-refus = This command is for the bot's administrators only. For your project, just write your question, or "aide" to see what I can do.
admin-inconnue = Unknown command: "!{ $commande }".
admin-aide = Admin commands (in a private conversation):
admin-aide-aide = !aide: this list.
admin-aide-recharger = !recharger: reads dialogues/, locales/ and data/ again; content that fails the check is refused and the previous one stays in service.
