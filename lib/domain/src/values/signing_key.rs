//! A secret the service signs with (HMAC-SHA256): the admission key that seals passes,
//! the ticket key that ticket codes come from. Secrets Manager secrets on AWS, generated
//! by the local scripts.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Shortest key accepted: 256 bits of secret.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    pub fn new(secret: &[u8]) -> Result<Self> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(Error::Infrastructure(format!("a signing key must be at least {MIN_KEY_BYTES} bytes")));
        }
        Ok(Self(secret.to_vec()))
    }

    /// The MAC of `message` under this key, to finalize or verify.
    pub(crate) fn mac(&self, message: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length; `new` already refused short ones.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        mac.update(message.as_bytes());
        mac
    }
}
