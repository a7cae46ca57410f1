//! A fan's requests on their token: the poll that checks a let-in fan in and hands them
//! their admission pass, and the check every protected route makes (`authorize`): an
//! ACTIVE token for this concert, proven by a pass (no read) or read from the line.

use crate::error::{Error, Result};
use crate::line::service::{Glance, QueueService};
use crate::line::token::{Admission, Bearer, Presented, SealedPass, Token, TokenState, TokenStatus, TokenView};
use crate::retry::retrying;
use crate::rules::line::{Batch, LineCounters, Standing};
use crate::rules::pace::LinePace;
use crate::rules::pass::Pass;
use crate::values::clock::Timestamp;
use crate::values::ids::{ConcertId, TokenId, UserId};

impl QueueService {
    /// The token's status and, while waiting, its position and the sale's phase.
    pub async fn current(&self, caller: UserId, raw_token: Option<&str>) -> Result<TokenView> {
        let now = self.clock.now();
        let token = self.token(caller, raw_token).await?;
        // The sale's phase, for the answer, and the line, for a check-in, from the glance:
        // first for a waiting token (its check-in decides from it), else at once with the
        // slot's renewal.
        let concert_id = token.concert.clone();
        let (concert, (token, read)) = if token.state == TokenState::Waiting {
            let glance = self.glance(&concert_id).await?;
            (glance.concert.clone(), self.show_up(token, Some(glance), now).await?)
        } else {
            let (glance, shown) = tokio::try_join!(self.glance(&concert_id), self.show_up(token, None, now))?;
            (glance.concert, shown)
        };
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => {
                let counters = match read {
                    Some(c) => c,
                    None => retrying(|| self.store.counters(&token.concert)).await?,
                };
                let pace = self.pace(&concert, &counters, now).await?;
                Ok(self.view(&token, Some(&counters), &concert, &pace, now))
            }
            TokenStatus::Active { until } => {
                let mut view = self.view(&token, None, &concert, &LinePace::nominal(&self.policy), now);
                let slot_until = match token.state {
                    TokenState::Active { slot_until, .. } => slot_until,
                    _ => until,
                };
                let pass = Pass {
                    token: token.id,
                    user: token.user,
                    concert: token.concert.clone(),
                    active_until: until,
                    expires: slot_until.min(until),
                };
                view.pass = Some(SealedPass { value: pass.seal(&self.key), expires: pass.expires });
                Ok(view)
            }
        }
    }

    /// The caller's token named by the `X-Queue-Token` value, whatever its status. A token
    /// is bound to the user it was issued to: anyone else presenting it is refused.
    pub async fn token(&self, caller: UserId, raw_token: Option<&str>) -> Result<Token> {
        let raw = raw_token.filter(|s| !s.trim().is_empty()).ok_or(Error::TokenMissing)?;
        let id = TokenId::parse(raw)?;
        let token = retrying(|| self.store.token(id)).await?.ok_or(Error::TokenInvalid)?;
        if token.user != caller {
            tracing::warn!(caller = %caller, token = %id, "queue token presented by another user");
            return Err(Error::Forbidden);
        }
        Ok(token)
    }

    /// An ACTIVE token, for whichever concert it was issued: proven by an unexpired pass
    /// (no read), else read (and its slot renewed when due).
    pub async fn admitted<'a>(&self, caller: UserId, presented: impl Into<Presented<'a>>) -> Result<Admission> {
        let presented = presented.into();
        let now = self.clock.now();
        if let Some(pass) = self.open_pass(caller, presented, now)? {
            return Ok(Admission {
                token: pass.token,
                user: pass.user,
                concert: pass.concert,
                active_until: pass.active_until,
            });
        }
        let (token, _) = self.show_up(self.token(caller, presented.token).await?, None, now).await?;
        match token.status_at(now) {
            TokenStatus::Expired => Err(Error::TokenExpired),
            TokenStatus::Waiting => Err(Error::TokenNotActive),
            TokenStatus::Active { until } => {
                Ok(Admission { token: token.id, user: token.user, concert: token.concert, active_until: until })
            }
        }
    }

    /// The caller's token for a write, whatever its status (a payment repeated after the
    /// token was used up still learns its outcome): named by an unexpired pass, else read.
    pub async fn bearer<'a>(&self, caller: UserId, presented: impl Into<Presented<'a>>) -> Result<Bearer> {
        let presented = presented.into();
        let now = self.clock.now();
        if let Some(pass) = self.open_pass(caller, presented, now)? {
            let status = TokenStatus::Active { until: pass.active_until };
            return Ok(Bearer { token: pass.token, user: pass.user, concert: pass.concert, status });
        }
        let token = self.token(caller, presented.token).await?;
        Ok(Bearer { status: token.status_at(now), token: token.id, user: token.user, concert: token.concert })
    }

    /// The pass presented, if it is good at `now`. A pass not signed by our key, or
    /// presented by anyone but its user, or beside another token, is refused. An expired
    /// pass is refused alone, and set aside when the token is presented too (its slot may
    /// have been renewed since: the token is read instead).
    pub(crate) fn open_pass(&self, caller: UserId, presented: Presented<'_>, now: Timestamp) -> Result<Option<Pass>> {
        let Some(raw) = presented.pass.filter(|p| !p.trim().is_empty()) else { return Ok(None) };
        let token = presented.token.filter(|t| !t.trim().is_empty());
        let opened = Pass::open(raw, &self.key)
            .or_else(|e| self.previous_key.as_ref().map_or(Err(e), |previous| Pass::open(raw, previous)));
        let pass = match (opened, token) {
            (Ok(pass), _) => pass,
            // Signed with a key this instance does not hold (rotated past both), or damaged:
            // with the queue token beside it, the token is read instead, as for an expired pass.
            (Err(_), Some(_)) => return Ok(None),
            (Err(e), None) => return Err(e),
        };
        if pass.user != caller {
            tracing::warn!(caller = %caller, token = %pass.token, "admission pass presented by another user");
            return Err(Error::Forbidden);
        }
        if let Some(raw_token) = token {
            if TokenId::parse(raw_token)? != pass.token {
                return Err(Error::TokenInvalid);
            }
        }
        match (now < pass.expires.min(pass.active_until), token) {
            (true, _) => Ok(Some(pass)),
            (false, Some(_)) => Ok(None),
            (false, None) => Err(Error::TokenExpired),
        }
    }

    /// A request of the token's fan, as its status needs: a WAITING token whose place was
    /// let in checks in (its first request: it becomes ACTIVE) while its batch's window is
    /// open, and has missed its turn after (TOKEN_EXPIRED); an ACTIVE token's slot is
    /// renewed when due (`Token::renewal`), and a slot that ended meanwhile (a no-show or an
    /// idle fan) stays ended. Returns the line's counters when it read them.
    ///
    /// The line comes from the glance (given, or taken here). A kept glance that lets the
    /// place in is trusted: a place never changes once the draw is sealed, nor a batch's
    /// places, and the check-in transaction refuses a batch settled since. Any other
    /// answer from a kept glance (waiting, or the window closed) is read again: the place
    /// may have been let in within the glance's second.
    pub(crate) async fn show_up(
        &self,
        token: Token,
        glance: Option<Glance>,
        now: Timestamp,
    ) -> Result<(Token, Option<LineCounters>)> {
        match token.state {
            TokenState::Waiting => {
                let glance = match glance {
                    Some(g) => g,
                    None => self.glance(&token.concert).await?,
                };
                let counters = match glance.counters.standing(token.spot, now) {
                    Standing::CheckIn(batch) => return Ok((self.check_in(token, batch, now).await?, None)),
                    _ if glance.kept => retrying(|| self.store.counters(&token.concert)).await?,
                    _ => glance.counters,
                };
                match counters.standing(token.spot, now) {
                    Standing::Waiting => Ok((token, Some(counters))),
                    Standing::CheckIn(batch) => Ok((self.check_in(token, batch, now).await?, None)),
                    Standing::Missed => {
                        tracing::info!(token = %token.id, "the fan did not check in before the window closed");
                        Err(Error::TokenExpired)
                    }
                }
            }
            TokenState::Active { .. } => Ok((self.renew(token, now).await?, None)),
            TokenState::Expired => Ok((token, None)),
        }
    }

    /// The first request of a fan whose place was let in: ACTIVE for the batch's active
    /// period, the slot for the idle timeout.
    pub(crate) async fn check_in(&self, mut token: Token, batch: Batch, now: Timestamp) -> Result<Token> {
        let slot_until = batch.active_until.min(now.plus(self.policy.idle_for));
        if retrying(|| self.store.check_in(&token, &batch, slot_until)).await? {
            tracing::info!(token = %token.id, "checked in");
            token.state = TokenState::Active { until: batch.active_until, slot_until };
            return Ok(token);
        }
        // A concurrent request of the same fan checked in first, or the batch was settled.
        match retrying(|| self.store.token(token.id)).await? {
            Some(t @ Token { state: TokenState::Active { .. }, .. }) => Ok(t),
            _ => Err(Error::TokenExpired),
        }
    }

    /// An ACTIVE token's sign of life: its slot renewed when due.
    pub(crate) async fn renew(&self, mut token: Token, now: Timestamp) -> Result<Token> {
        let (TokenStatus::Active { .. }, Some(slot_until)) =
            (token.status_at(now), token.renewal(now, self.policy.idle_for))
        else {
            return Ok(token);
        };
        if !retrying(|| self.store.renew_slot(token.id, now, slot_until)).await? {
            tracing::info!(token = %token.id, "slot ended before the fan came back");
            return Err(Error::TokenExpired);
        }
        if let TokenState::Active { until, .. } = token.state {
            token.state = TokenState::Active { until, slot_until };
        }
        Ok(token)
    }

    /// The check every protected route makes: an ACTIVE token for this concert.
    pub async fn authorize<'a>(
        &self,
        caller: UserId,
        presented: impl Into<Presented<'a>>,
        concert: &ConcertId,
    ) -> Result<Admission> {
        let admission = self.admitted(caller, presented).await?;
        if &admission.concert != concert {
            return Err(Error::TokenWrongConcert);
        }
        Ok(admission)
    }
}
