//! The zh-CN and English message catalogues.
//!
//! Every string a person reads — page text, form labels, error messages, SMS and e-mail
//! bodies — is a [`Key`] with a Chinese and an English text side by side in
//! `messages.rs`. The [`catalogue!`] macro makes a missing translation a compile error,
//! and gives templates one method per key (`t.login_title()`), so a misspelt key is a
//! compile error too.

mod lang;
mod messages;

pub use lang::Lang;
pub use messages::Key;

/// The catalogue in one language; what templates and handlers call `t` .
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The text of `key` in this language.
    pub fn get(&self, key: Key) -> &'static str {
        key.text(self.lang)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: Key, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(key.text(self.lang), args)
    }
}

/// Replaces each `{name}` in `template` by the matching argument; unknown names stay as they are.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// Defines [`Key`] with both languages' texts, and one accessor per key on [`Tr`].
#[macro_export]
macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A message in the catalogue.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            /// The key's name, as used in JSON errors (`"code"` fields).
            pub fn name(self) -> &'static str {
                match self { $(Key::$key => stringify!($key)),* }
            }

            pub fn text(self, lang: $crate::Lang) -> &'static str {
                match lang {
                    $crate::Lang::ZhCn => match self { $(Key::$key => $zh),* },
                    $crate::Lang::En => match self { $(Key::$key => $en),* },
                }
            }
        }

        impl $crate::Tr {
            $(
                pub fn $key(&self) -> &'static str { Key::$key.text(self.lang) }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages_with_the_same_placeholders() {
        for key in Key::ALL {
            let zh = key.text(Lang::ZhCn);
            let en = key.text(Lang::En);
            assert!(
                !zh.trim().is_empty() && !en.trim().is_empty(),
                "{key:?} is empty"
            );
            assert_eq!(
                placeholders(zh),
                placeholders(en),
                "{key:?} placeholders differ"
            );
        }
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut found: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(
            fill("共 {n} 条，{who}", &[("n", &3), ("who", &"我")]),
            "共 3 条，我"
        );
    }
}
