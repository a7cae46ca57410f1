//! A ticket's rotating code (docs/tickets.md). Each ticket has a secret only its holder's
//! app is given; the app shows a code that changes every `CODE_STEP_MS`, so a copied code
//! is worthless a few seconds later, and the gate recomputes it from the same secret.
//!
//! - secret = HMAC-SHA256(TICKET_KEY, "ticket-v1|<reservationId>|<holderUserId>"): derived,
//!   never stored; a transfer (a new holder) gives a new secret, so the old one stops.
//! - code at step s = HOTP (RFC 4226 section 5.3's dynamic truncation) over
//!   HMAC-SHA256(secret, s as 8 bytes big-endian), 8 decimal digits; s = unix ms / 10,000.
//! - what the QR code carries: `TK1.<reservationId>.<code>`; typed by hand instead, the
//!   booking number and the code (`Presented`).
//! - the booking number a person reads out: the first 50 bits of
//!   SHA-256("booking|<reservationId>") in Crockford's base32, as `XXXXX-XXXXX`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::values::clock::Timestamp;
use crate::values::ids::{ReservationId, UserId};
use crate::values::signing_key::SigningKey;

/// A code lasts this long.
pub const CODE_STEP_MS: i64 = 10_000;
/// Steps either side of the gate's own a scan accepts: a phone's clock a little off, the
/// seconds between showing and scanning.
pub const CODE_WINDOW_STEPS: i64 = 1;
const DIGITS: u32 = 8;
const PAYLOAD_VERSION: &str = "TK1";
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The secret a ticket's codes come from.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketSecret([u8; 32]);

impl std::fmt::Debug for TicketSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketSecret(..)")
    }
}

impl TicketSecret {
    /// The secret of `ticket` while `holder` holds it.
    pub fn derive(key: &SigningKey, ticket: ReservationId, holder: UserId) -> Self {
        Self(key.mac(&format!("ticket-v1|{ticket}|{holder}")).finalize().into_bytes().into())
    }

    /// As the holder's app receives it: 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        crate::values::hex::encode(&self.0)
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        crate::values::hex::decode(hex)?.try_into().ok().map(Self)
    }

    /// The code of step `step` (see `step_of`).
    pub fn code_at(&self, step: i64) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        // RFC 4226 5.3: the low 4 bits of the last byte pick 4 bytes; 31 bits of them, mod 10^d.
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let bits = u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]])
            & 0x7fff_ffff;
        format!("{:0width$}", bits % 10u32.pow(DIGITS), width = DIGITS as usize)
    }

    /// Whether `code` is this secret's code within the window around `now` (each
    /// candidate compared in constant time).
    pub fn accepts(&self, code: &str, now: Timestamp) -> bool {
        let step = step_of(now);
        (step - CODE_WINDOW_STEPS..=step + CODE_WINDOW_STEPS)
            .map(|s| constant_time_eq(self.code_at(s).as_bytes(), code.as_bytes()))
            .fold(false, |any, ok| any | ok)
    }
}

/// The step an instant falls in.
pub fn step_of(t: Timestamp) -> i64 {
    t.millis().div_euclid(CODE_STEP_MS)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a gate reads from a ticket's QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub ticket: ReservationId,
    pub code: String,
}

impl Scan {
    /// The QR code's text.
    pub fn payload(&self) -> String {
        format!("{PAYLOAD_VERSION}.{}.{}", self.ticket, self.code)
    }

    /// A scanned text, or TICKET_CODE_INVALID for anything that is not a ticket's code.
    pub fn parse(raw: &str) -> Result<Self> {
        let fields: Vec<&str> = raw.trim().split('.').collect();
        let [PAYLOAD_VERSION, ticket, code] = fields.as_slice() else { return Err(Error::TicketCodeInvalid) };
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::TicketCodeInvalid);
        }
        let ticket = ReservationId::parse(ticket).map_err(|_| Error::TicketCodeInvalid)?;
        Ok(Self { ticket, code: (*code).to_owned() })
    }
}

/// What gate staff present: a scanned QR code, or, typed by hand when the camera cannot
/// read it, the booking number and the 8 digits the holder's app shows under the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    Scanned(Scan),
    Typed { booking: String, code: String },
}

impl Presented {
    /// A QR code's text, or `XXXXX-XXXXX 12345678` (any case, the hyphen and the space
    /// optional); TICKET_CODE_INVALID for anything else.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.starts_with(PAYLOAD_VERSION) {
            return Scan::parse(raw).map(Self::Scanned);
        }
        let plain: String =
            raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        let (booking, code) = plain.split_at_checked(10).ok_or(Error::TicketCodeInvalid)?;
        let is_booking = booking.bytes().all(|b| CROCKFORD.contains(&b));
        if !is_booking || code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::TicketCodeInvalid);
        }
        Ok(Self::Typed { booking: format!("{}-{}", &booking[..5], &booking[5..]), code: code.to_owned() })
    }
}

/// The ticket's booking number: short enough to read out, shown instead of its id.
pub fn booking_number(ticket: ReservationId) -> String {
    let digest = Sha256::digest(format!("booking|{ticket}").as_bytes());
    let bits =
        u64::from_be_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]]);
    let chars: String = (0..10).map(|i| char::from(CROCKFORD[((bits >> (59 - 5 * i)) & 0x1f) as usize])).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

#[cfg(test)]
mod tests;
