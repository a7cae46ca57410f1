//! The admission pass: a short-lived, signed statement "this token of this user was ACTIVE
//! for this concert until then", handed to an admitted fan at check-in. Read routes check
//! it in-process (a MAC, no database read); writes still check the token inside their own
//! transaction, so a pass never lets a spent token hold or pay (docs/adr/0007).
//!
//! Wire form (ASCII, one header value):
//! `v1.<token>.<user>.<concert>.<activeUntilMs>.<expiresMs>.<hex HMAC-SHA256 of all before it>`.
//! None of the fields can contain a dot (UUIDs, concert ids are `[a-z0-9-]`, numbers).

use hmac::Mac;

use crate::error::{Error, Result};
use crate::values::clock::Timestamp;
use crate::values::ids::UserId;
use crate::values::ids::{ConcertId, TokenId};

const VERSION: &str = "v1";
pub use crate::values::signing_key::MIN_KEY_BYTES;

/// The secret both the issuing and the verifying functions hold (`ADMISSION_KEY`).
pub type PassKey = crate::values::signing_key::SigningKey;

/// What a pass says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    /// The token's active period (fixed at admission).
    pub active_until: Timestamp,
    /// The pass is good until here (exclusive): the token's slot as it stood at issue.
    pub expires: Timestamp,
}

impl Pass {
    /// The signed wire form.
    pub fn seal(&self, key: &PassKey) -> String {
        let body = format!(
            "{VERSION}.{}.{}.{}.{}.{}",
            self.token,
            self.user,
            self.concert.as_str(),
            self.active_until.millis(),
            self.expires.millis()
        );
        let tag = key.mac(&body).finalize().into_bytes();
        format!("{body}.{}", crate::values::hex::encode(&tag))
    }

    /// The pass a wire form carries, if `key` signed exactly it (checked in constant time);
    /// TOKEN_INVALID for anything else: malformed, another key, one character changed.
    /// Whether it has expired, and for whom and what it is, is the caller's to check.
    pub fn open(raw: &str, key: &PassKey) -> Result<Self> {
        let (body, tag) = raw.trim().rsplit_once('.').ok_or(Error::TokenInvalid)?;
        let tag = crate::values::hex::decode(tag).ok_or(Error::TokenInvalid)?;
        key.mac(body).verify_slice(&tag).map_err(|_| Error::TokenInvalid)?;
        let fields: Vec<&str> = body.split('.').collect();
        let [VERSION, token, user, concert, active_until, expires] = fields.as_slice() else {
            return Err(Error::TokenInvalid);
        };
        let millis = |s: &str| s.parse::<i64>().map(Timestamp::from_millis).map_err(|_| Error::TokenInvalid);
        Ok(Self {
            token: TokenId::parse(token)?,
            user: UserId::parse(user).map_err(|_| Error::TokenInvalid)?,
            concert: ConcertId::parse(concert).map_err(|_| Error::TokenInvalid)?,
            active_until: millis(active_until)?,
            expires: millis(expires)?,
        })
    }
}

#[cfg(test)]
mod tests;
