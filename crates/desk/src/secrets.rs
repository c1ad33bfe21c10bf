//! Tokens, one-time passwords and the server's own keys.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use store::Db;

/// The server's keys, generated on first start and shared by every node through the database.
pub struct Keys {
    pub csrf: Vec<u8>,
    pub codes: Vec<u8>,
}

impl Keys {
    pub async fn load(db: &Db, now: domain::Timestamp) -> store::Result<Keys> {
        let csrf =
            store::keys::get_or_create(db, "csrf", &hex::encode(rand::random::<[u8; 32]>()), now)
                .await?;
        let codes = store::keys::get_or_create(
            db,
            "sms-codes",
            &hex::encode(rand::random::<[u8; 32]>()),
            now,
        )
        .await?;
        Ok(Keys {
            csrf: hex::decode(csrf)
                .map_err(|e| store::StoreError::Corrupt(format!("csrf key: {e}")))?,
            codes: hex::decode(codes)
                .map_err(|e| store::StoreError::Corrupt(format!("code key: {e}")))?,
        })
    }
}

/// A fresh random token for cookies and links: 256 bits, URL-safe.
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// What the database stores of a token: its SHA-256, so a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable one-time password without look-alike characters (no 0/O, 1/l/I).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..14)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A six-digit SMS code.
pub fn sms_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

/// HMAC-SHA256 of `message` under `key`, hex.
pub fn mac(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Compares in constant time, so timing reveals nothing about the expected value.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub mod password {
    use argon2::Argon2;
    use argon2::password_hash::phc::PasswordHash;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    /// Hashes with argon2id on a blocking thread: it takes tens of milliseconds by design.
    pub async fn hash(password: String) -> Result<String, crate::ServiceError> {
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| crate::ServiceError::Internal(format!("hashing: {e}")))
        })
        .await
        .map_err(|e| crate::ServiceError::Internal(format!("hashing task: {e}")))?
    }

    /// Verifies on a blocking thread. An unparseable stored hash never matches.
    pub async fn verify(password: String, stored: String) -> bool {
        tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    /// A real hash of nothing anyone knows, verified against when the username does not
    /// exist, so the time taken does not tell whether it does.
    pub const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$2gbrPqKYIGW5CtPWKSTdAU0JD2bNutHUFuvRi+P0Mvw";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = sms_code();
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = password::hash("correct horse battery".into())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password::verify("correct horse battery".into(), hash.clone()).await);
        assert!(!password::verify("wrong".into(), hash).await);
        assert!(!password::verify("anything".into(), password::DECOY.into()).await);
    }
}
