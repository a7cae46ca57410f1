//! A fan's queue token, what they see of it, and what they show on a protected route.

use crate::rules::line::Spot;
use crate::rules::sale::Phase;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, TokenId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Not checked in: waiting, or let in with a batch and not yet come (the line's
    /// counters say which: `LineCounters::standing`).
    Waiting,
    /// Checked in: ACTIVE until `until` at the latest, and only while it holds its slot,
    /// which lasts until `slot_until`: the idle timeout, renewed by the fan's requests
    /// (never past `until`).
    Active { until: Timestamp, slot_until: Timestamp },
    /// Used up by a payment (or otherwise ended before `until`).
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Waiting,
    Active { until: Timestamp },
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    pub spot: Spot,
    pub state: TokenState,
}

impl Token {
    /// The status at `now`: an ACTIVE token is expired from `until` on (inclusive), and
    /// from the end of its slot (a no-show, or idle too long).
    pub fn status_at(&self, now: Timestamp) -> TokenStatus {
        match self.state {
            TokenState::Waiting => TokenStatus::Waiting,
            TokenState::Active { until, slot_until } if now < until && now < slot_until => {
                TokenStatus::Active { until }
            }
            TokenState::Active { .. } | TokenState::Expired => TokenStatus::Expired,
        }
    }

    pub fn is_alive(&self, now: Timestamp) -> bool {
        self.status_at(now) != TokenStatus::Expired
    }

    /// The slot end a request at `now` should renew an ACTIVE token's slot to, if it is
    /// time to: once less than half the idle timeout is left. A busy fan so writes about
    /// once per half timeout, not per request; never past `until`.
    pub fn renewal(&self, now: Timestamp, idle_for: std::time::Duration) -> Option<Timestamp> {
        let TokenState::Active { until, slot_until } = self.state else { return None };
        let wanted = until.min(now.plus(idle_for));
        (slot_until < wanted && slot_until < now.plus(idle_for / 2)).then_some(wanted)
    }
}

/// What a fan sees of their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub token: TokenId,
    pub status: TokenStatus,
    /// Fans ahead; `None` in the pre-queue, before the opening's draw.
    pub position: Option<u64>,
    /// The fan's place number in line (from 1); `None` before the opening's draw.
    pub place: Option<u64>,
    /// `None` while the line stands still (the cap is full and nobody has left for minutes).
    pub estimated_wait_seconds: Option<u64>,
    /// The sale's phase and opening, for the fan's screen.
    pub phase: Phase,
    pub opens_at: Timestamp,
    /// The fan's pre-queue index, if they joined then: with the seed published after the
    /// sale, they can recompute their own place (docs/fair-start.md).
    pub prequeue_index: Option<u64>,
    /// For an ACTIVE token: the signed admission pass that read routes check in-process.
    pub pass: Option<SealedPass>,
}

/// An admission pass in its wire form, and until when it is good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPass {
    pub value: String,
    pub expires: Timestamp,
}

/// What a fan shows on a protected route: the admission pass they got at check-in
/// (`X-Admission-Pass`, checked in-process, no read) and/or their queue token
/// (`X-Queue-Token`, read from the line). A token alone is the base contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presented<'a> {
    pub token: Option<&'a str>,
    pub pass: Option<&'a str>,
}

impl<'a> From<Option<&'a str>> for Presented<'a> {
    fn from(token: Option<&'a str>) -> Self {
        Self { token, pass: None }
    }
}

impl<'a> From<Option<&'a String>> for Presented<'a> {
    fn from(token: Option<&'a String>) -> Self {
        Self { token: token.map(String::as_str), pass: None }
    }
}

/// The caller's token as a write names it: the write checks it again inside its own
/// transaction, so a pass (not read) and a token (read) serve equally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bearer {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    pub status: TokenStatus,
}

/// An ACTIVE token, checked for one concert: what protected routes act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub token: TokenId,
    pub user: UserId,
    pub concert: ConcertId,
    /// The token's active period (fixed at admission).
    pub active_until: Timestamp,
}
