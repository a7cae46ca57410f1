//! Joining the line: a place (a pre-queue index, or an arrival number after the opening)
//! and a token, or the live token the fan already has.

use std::sync::Mutex;

use crate::catalog::concert::Concert;
use crate::error::{Error, Result};
use crate::line::service::{Glance, QueueService};
use crate::line::store::CreateOutcome;
use crate::line::token::{Token, TokenState, TokenView};
use crate::retry::{optimistic, retrying, Round};
use crate::rules::join_work::{check, Challenge, Proof};
use crate::rules::line::{Spot, Standing};
use crate::rules::pace::LinePace;
use crate::rules::sale::Phase;
use crate::values::ids::{ConcertId, TokenId, UserId};

impl QueueService {
    /// `issue_with` without a proof of work: for sales that ask none.
    pub async fn issue(&self, user: UserId, concert_id: &ConcertId) -> Result<(TokenView, bool)> {
        self.issue_with(user, concert_id, None).await
    }

    /// A challenge for `user` to solve before joining `concert_id` (`rules::join_work`):
    /// its wire form, signed in-process, at the sale's difficulty now. Nothing is stored.
    pub async fn challenge(&self, user: UserId, concert_id: &ConcertId) -> Result<Challenge> {
        let Glance { concert, .. } = self.glance(concert_id).await?;
        let salt = uuid::Uuid::new_v4().as_u128().to_le_bytes();
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&salt[..8]);
        Ok(Challenge::issue(concert_id.clone(), user, concert.control.join_work, self.clock.now(), eight))
    }

    /// A challenge's wire form, signed with the admission key.
    pub fn seal_challenge(&self, challenge: &Challenge) -> String {
        challenge.seal(&self.key)
    }

    /// Take a place in the concert's line, or get back the live token the user already has.
    /// During the pre-queue the place is an index the opening's draw will place; after the
    /// opening, an arrival number behind the whole cohort. A new place costs the proof of
    /// work the sale asks (checked in-process, before any write); a fan already in line is
    /// answered with their token for nothing. Returns the view and whether the token is new.
    pub async fn issue_with(
        &self,
        user: UserId,
        concert_id: &ConcertId,
        proof: Option<&Proof>,
    ) -> Result<(TokenView, bool)> {
        // Independent reads, at once: the sale and its line (a glance: ADR 0009) and the
        // user's earlier token, if any.
        let (Glance { concert, counters: glanced, .. }, previous) =
            tokio::try_join!(self.glance(concert_id), retrying(|| self.store.holder_token(concert_id, user)))?;
        // Between rounds: the fan's live token as last read, and the token whose write failed
        // (sent again, with its number, if the loop tries again).
        let rounds = Mutex::new((previous, None::<Token>));
        let rounds = &rounds;
        let (concert, glanced) = (&concert, &glanced);
        let between = || rounds.lock().map_err(|_| Error::Infrastructure("a join's state lock poisoned".into()));
        optimistic(|_| async move {
            let (mut previous, mut mine) = std::mem::take(&mut *between()?);
            if mine.is_some() {
                // The last write failed and may have met a concurrent join of this fan.
                previous = retrying(|| self.store.holder_token(concert_id, user)).await?;
            }
            let now = self.clock.now();
            if let Some(live) = previous.as_ref().filter(|t| t.is_alive(now)) {
                // Whether its batch's check-in passed is a decision: read the line itself.
                let counters = retrying(|| self.store.counters(concert_id)).await?;
                // A WAITING token whose batch's check-in passed is over: a new place, at the back.
                if live.state != TokenState::Waiting || counters.standing(live.spot, now) != Standing::Missed {
                    let pace = LinePace::nominal(&concert.control.policy(self.policy));
                    return Ok(Round::Done((self.view(live, Some(&counters), concert, &pace, now), false)));
                }
            }
            let phase = concert.phase_at(now);
            match phase {
                Phase::Scheduled => return Err(Error::SaleNotOpen),
                Phase::SoldOut => return Err(Error::SoldOut),
                Phase::Closed => return Err(Error::SaleClosed),
                Phase::PreQueue | Phase::OnSale | Phase::Paused => {}
            }
            check(proof, &self.key, (concert_id, user), concert.control.join_work, now)?;
            // One number per join: a write refused by a conflict or a throttle applied
            // nothing, so it is sent again with the same token and number. A number whose
            // token is never written (a concurrent join of the same fan won, or we died) is
            // let in with its batch as a no-show: the line never stalls on it, and its slot
            // comes back when the batch's check-in window closes.
            let token = match mine.take() {
                Some(taken) => taken,
                None => {
                    let spot = self.take_spot(concert, phase).await?;
                    Token { id: TokenId::random(), user, concert: concert_id.clone(), spot, state: TokenState::Waiting }
                }
            };
            match self.store.create_token(&token, previous.as_ref()).await {
                Ok(CreateOutcome::Created) => {
                    tracing::info!(user = %user, concert = %concert_id, spot = ?token.spot, "queue token issued");
                    // A join reads nothing more: its position is from the glance, and the
                    // fan's next poll, of the line, has the pace.
                    let pace = LinePace::nominal(&concert.control.policy(self.policy));
                    Ok(Round::Done((self.view(&token, Some(glanced), concert, &pace, now), true)))
                }
                Ok(CreateOutcome::HolderTaken) => {
                    // A concurrent request for the same user won: answer with its token.
                    let winner = retrying(|| self.store.holder_token(concert_id, user)).await?;
                    *between()? = (winner, None);
                    Ok(Round::Lost)
                }
                // Nothing applied, if the loop tries again: the same token and number then.
                Err(e) => {
                    *between()? = (previous, Some(token));
                    Ok(Round::Failed(e))
                }
            }
        })
        .await
    }

    /// A new spot in line: a pre-queue index while the draw is not sealed and the sale has
    /// not opened, else an arrival number (no item takes every join). Never the seal: the
    /// admitter's tick makes it.
    pub(crate) async fn take_spot(&self, concert: &Concert, phase: Phase) -> Result<Spot> {
        if phase == Phase::PreQueue {
            if let Some(index) = retrying(|| self.store.next_prequeue_index(&concert.id)).await? {
                return Ok(Spot::Cohort(index));
            }
        }
        // No seal here: at the opening every join would race to it. The admitter's first
        // tick after the opening seals; until then a fan's place is not known yet.
        Ok(Spot::Arrival(retrying(|| self.store.next_arrival(&concert.id)).await?))
    }
}
