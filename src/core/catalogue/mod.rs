//! The catalogue of dispositifs and acteurs, the communes, matching and search.
//!
//! Sans-IO: values in, values out. The content loader builds these; the dialogue engine reads them.

pub mod aides_territoires;
pub mod communes;
pub mod freshness;
pub mod matching;
pub mod model;
pub mod programmes;
pub mod search;

pub use communes::{Commune, Communes, Lookup, StatutCommune};
pub use matching::{Echec, Match, Profil, Raison, match_profil};
pub use model::{Acteur, Catalogue, Dispositif, Sigle, Site, Statut, Term};

/// Id of the single entry point's record: it closes every result instead of being one of them.
pub const GUICHET_UNIQUE: &str = "guichet-unique";
