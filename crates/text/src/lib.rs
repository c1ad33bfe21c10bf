//! CultureDesk's text analysis: what the server needs to know about the Chinese free text the
//! public sends in, without looking anything up.
//!
//! Now:
//! - [`normalize`] folds text (full-width, traditional, case, separators) into views that keep
//!   a map back to the original bytes, so every finding can be shown or masked in place;
//! - [`pii`] finds and masks personal data (mobiles, landlines, resident ids, e-mail, bank
//!   cards, home addresses, names) before feedback reaches the public board;
//! - [`moderation`] matches sensitive words through the usual evasions and extracts simple
//!   spam signals;
//! - [`classify`] guesses an item's category and kind (request, suggestion, complaint, praise,
//!   inquiry) with a confidence and the words behind it, and learns from staff corrections;
//! - [`urgency`] flags, by transparent rules, items that cannot wait (hazards, injuries,
//!   blocked exits, a lost child, wrong information about an event today or tomorrow);
//! - [`spam`] scores abuse and spam with models learnt from labelled examples, on top of the
//!   word list.
//!
//! And over many items, on top of [`normalize`] and [`segment`]:
//! - [`similar`] finds near-duplicates (the same request posted again, however it was typed)
//!   and related items, in an index that answers in milliseconds at a million items;
//! - [`themes`] groups the open backlog into themes named by their words, with ids that stay
//!   the same across runs and nodes;
//! - [`hotwords`] finds the words and phrases rising from one window of time to the next.
//!
//! Pure: no I/O, no database, no async, no clock; everything is linear in the text's length,
//! because a million items must go through it end to end.

pub mod classify;
pub mod hotwords;
pub mod moderation;
pub mod normalize;
pub mod pii;
pub mod request;
pub mod segment;
pub mod similar;
pub mod spam;
pub mod themes;
pub mod urgency;

pub use classify::{Classification, Field, Guess};
pub use hotwords::HotWord;
pub use moderation::{Category, Hit, SpamSignals, WordList, WordListError, spam_signals};
pub use normalize::{Folded, fold, skeleton};
pub use pii::{Known, Pii, PiiKind, detect, excerpt, mask, mask_keeping, mask_reply};
pub use segment::{Cut, Segmenter, is_stopword, words};
pub use similar::{DUPLICATE_AT, RELATED_AT, Signature, signature, similarity};
pub use spam::{Verdict, moderate};
pub use themes::{Theme, Themer};
pub use urgency::{Urgent, UrgentReason, urgency};
