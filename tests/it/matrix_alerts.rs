//! Alerts and admin refusals on Tchap: the real `aiguilleur matrix` against the real Synapse
//! (`synapse.rs`), two people in encrypted direct rooms.
//!
//! The mayor (not an admin) is refused every admin command of the registry; the secretary (an
//! admin) gets `!stats`. The mayor subscribes to mobility, the secretary to housing; a mobility
//! scheme's funding changes in the content (hot reload): the mayor gets exactly one message
//! naming the scheme and the field, the secretary none; a restart announces nothing again; after
//! « stop alertes », a new change is not announced.

use std::path::PathBuf;
use std::time::Duration;

use matrix_sdk::ruma::UserId;

use crate::matrix::{BOT_PASSWORD, BotSetup, SERVER, User, bot_account};
use crate::support;
use crate::synapse::Synapse;

#[test]
fn alerts_and_admin_refusals_on_a_real_synapse() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(story());
}

#[allow(clippy::too_many_lines)]
async fn story() {
    let hs = Synapse::start(SERVER).await;
    let admin = hs.register("admin", "admin-pw", true, true).await.access_token.unwrap();
    let bot_id = hs.register("aiguilleur", BOT_PASSWORD, false, false).await.user_id;
    let maire_id = hs.register("maire", "maire-pw", false, false).await.user_id;
    let secretaire_id = hs.register("secretaire", "secretaire-pw", false, false).await.user_id;
    let bot_owned = bot_account(&hs, &admin, &bot_id).await;
    let bot: &UserId = &bot_owned;

    let work = tempfile::tempdir().unwrap();
    let content = support::content_copy();
    let bot_log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("matrix-alerts-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&bot_log);
    let mut setup = BotSetup::new(hs.url(), work.path(), bot_log.clone());
    setup.content = content.path().to_path_buf();
    std::fs::write(
        &setup.config,
        format!(
            "[matrix]\nallowed_users = [\"{maire_id}\", \"{secretaire_id}\"]\nadmins = [\"{secretaire_id}\"]\ntyping_delay_ms = 0\n"
        ),
    )
    .unwrap();
    let mut process = setup.start();
    let text = |m: &crate::matrix::Msg| m.body.replace(['\u{a0}', '\u{202f}'], " ");

    let mut maire = User::login(&hs, "maire", "maire-pw").await;
    let dm = maire.client.create_dm(bot).await.unwrap().room_id().to_owned();
    maire.message_from(&dm, bot).await; // the welcome
    let mut secretaire = User::login(&hs, "secretaire", "secretaire-pw").await;
    let dm2 = secretaire.client.create_dm(bot).await.unwrap().room_id().to_owned();
    secretaire.message_from(&dm2, bot).await;

    // Every admin command is refused to the mayor, and none runs.
    let vocab = &crate::support::content().vocab;
    for name in aiguilleur::driver::admin::COMMANDS.iter().map(|c| c.name(vocab)) {
        maire.say(&dm, &format!("!{name}")).await;
        let refusal = text(&maire.message_from(&dm, bot).await);
        assert!(refusal.contains("réservée aux administrateurs"), "!{name}: {refusal}");
        for secret in ["Contenu rechargé", "Rien n'a changé", "conversations commencées", "sans réponse", "!recharger"]
        {
            assert!(!refusal.contains(secret), "!{name}: {refusal}");
        }
    }
    secretaire.say(&dm2, "!stats").await;
    let stats = text(&secretaire.message_from(&dm2, bot).await);
    assert!(stats.contains("2 conversations commencées"), "{stats}");

    maire.say(&dm, "Prévenez-moi des nouveautés sur la mobilité").await;
    let ok = text(&maire.message_from(&dm, bot).await);
    assert!(ok.contains("C'est noté") && ok.contains("Mobilités"), "{ok}");
    secretaire.say(&dm2, "prévenez-moi des nouveautés sur l'habitat").await;
    let ok = text(&secretaire.message_from(&dm2, bot).await);
    assert!(ok.contains("C'est noté") && !ok.contains("Mobilités"), "{ok}");

    let change = |from: &str, to: &str| support::edit_mobility_lot(content.path(), from, to);
    change("financement = \"\"\"\n", "financement = \"\"\"\nÀ partir de 2027 : sur appel à projets. ");
    let alert = text(&maire.message_from(&dm, bot).await);
    assert!(alert.contains("Du nouveau"), "{alert}");
    assert!(alert.contains("Accessibilité, mobilité et connexions") && alert.contains("financement"), "{alert}");
    let more = maire.quiet(&dm, bot, Duration::from_secs(4)).await;
    assert!(more.is_empty(), "a second message: {more:?}");
    let other = secretaire.quiet(&dm2, bot, Duration::from_secs(1)).await;
    assert!(other.is_empty(), "the housing subscriber was told: {other:?}");

    // A restart announces nothing again.
    assert!(process.stop().await.success());
    process = setup.start();
    let again = maire.quiet(&dm, bot, Duration::from_secs(10)).await;
    assert!(again.is_empty(), "announced again after a restart: {again:?}\n{}", setup.log());

    maire.say(&dm, "stop alertes").await;
    assert!(text(&maire.message_from(&dm, bot).await).contains("vous ne recevrez plus d'alertes"));
    change("À partir de 2027", "À partir de 2028");
    let after = maire.quiet(&dm, bot, Duration::from_secs(8)).await;
    assert!(after.is_empty(), "an alert after « stop alertes »: {after:?}");
    assert!(setup.log().contains("contenu rechargé"), "{}", setup.log());
    assert!(process.stop().await.success());
    let _ = std::fs::remove_file(&bot_log);
}
