//! A whole service on in-memory stores and a manual clock, for the domain's unit tests.

use std::sync::Arc;
use std::time::Duration;

use crate::booking::hold::HoldService;
use crate::booking::payment::PaymentService;
use crate::booking::refund::RefundService;
use crate::catalog::concert::Concert;
use crate::catalog::operator::OperatorService;
use crate::catalog::spec::new_concert_seats;
use crate::catalog::store::CatalogStore;
use crate::door::gate::GateService;
use crate::door::tickets::TicketService;
use crate::door::transfer::TransferService;
use crate::line::admission::Admitter;
use crate::line::service::QueueService;
use crate::line::token::Admission;
use crate::rules::sale::QueuePolicy;
use crate::testkit::memory::Memory;
use crate::values::clock::{ManualClock, Timestamp};
use crate::values::ids::UserId;
use crate::values::ids::{ConcertDate, ConcertId};
use crate::values::money::{WalletLimits, Won};
use crate::wallet::balance::WalletService;

pub const HOLD: Duration = Duration::from_secs(300);
pub const ACTIVE: Duration = Duration::from_secs(600);
/// Transfers close this long before a show in the test world.
pub const TRANSFER_CLOSES: Duration = Duration::from_secs(3 * 3600);

/// The admission key of unit tests.
pub fn pass_key() -> crate::rules::pass::PassKey {
    crate::rules::pass::PassKey::new(b"unit tests' admission key, 32 b.").expect("a long enough key")
}

/// The ticket key of unit tests.
pub fn ticket_key() -> crate::values::signing_key::SigningKey {
    crate::values::signing_key::SigningKey::new(b"unit tests' ticket key, 32 bytes").expect("a long enough key")
}

pub struct World {
    pub mem: Arc<Memory>,
    pub clock: Arc<ManualClock>,
    pub queue: Arc<QueueService>,
    pub admitter: Admitter,
    pub holds: HoldService,
    pub wallet: WalletService,
    pub payments: Arc<PaymentService>,
    pub refunds: RefundService,
    pub operator: OperatorService,
    pub gate: GateService,
    pub tickets: TicketService,
    pub transfers: TransferService,
    pub concert: ConcertId,
    pub date: ConcertDate,
}

pub fn won(v: i64) -> Won {
    Won::new(v).expect("a non-negative amount")
}

/// What a test world varies: the line's pace and cap, the instant its clock starts at, how
/// long its joins keep a glance at the line, and whether the sale's draw is sealed yet.
#[derive(Debug, Clone, Copy)]
pub struct WorldOptions {
    pub admit_per_tick: u32,
    pub active_cap: u32,
    pub starts_at: Timestamp,
    pub glance: Duration,
    /// Time between admitter ticks (the wait estimates' unit).
    pub tick_every: Duration,
    /// The admitter's first tick after the opening has sealed the (empty) draw.
    pub sealed: bool,
}

impl Default for WorldOptions {
    fn default() -> Self {
        Self {
            admit_per_tick: 100,
            active_cap: 1000,
            starts_at: Timestamp::from_millis(1_800_000_000_000),
            glance: Duration::ZERO,
            tick_every: Duration::from_secs(2),
            sealed: false,
        }
    }
}

/// A world with the default options.
pub async fn world() -> World {
    world_with(WorldOptions::default()).await
}

pub async fn world_with(options: WorldOptions) -> World {
    let mem = Arc::new(Memory::default());
    let clock = Arc::new(ManualClock::at(options.starts_at));
    let concert = ConcertId::parse("unit-concert").expect("slug");
    let date = ConcertDate::parse("2026-12-24").expect("date");
    mem.add_concert(
        &Concert::on_sale(concert.clone(), "T", "V", Timestamp::from_millis(0), Timestamp::from_millis(i64::MAX / 4)),
        &new_concert_seats(&[date]),
    )
    .await
    .expect("seed");
    let policy = QueuePolicy {
        admit_per_tick: options.admit_per_tick,
        active_cap: options.active_cap,
        active_for: ACTIVE,
        check_in_for: Duration::from_secs(60),
        idle_for: Duration::from_secs(300),
        tick_every: options.tick_every,
    };
    let queue = Arc::new(
        QueueService::new(mem.clone(), mem.clone(), clock.clone(), policy, pass_key()).glancing_for(options.glance),
    );
    let payments = Arc::new(PaymentService::new(queue.clone(), mem.clone(), mem.clone(), clock.clone()));
    let admitter = Admitter::new(mem.clone(), mem.clone(), clock.clone(), policy);
    if options.sealed {
        admitter.seal(&concert).await.expect("sealed");
    }
    let limits = WalletLimits { per_charge: won(10_000_000), ceiling: won(50_000_000) };
    World {
        holds: HoldService::new(mem.clone(), mem.clone(), mem.clone(), clock.clone(), HOLD, policy.idle_for),
        wallet: WalletService::new(mem.clone(), limits, clock.clone()),
        payments: payments.clone(),
        refunds: RefundService::new(mem.clone(), mem.clone(), mem.clone(), clock.clone(), limits),
        operator: OperatorService::new(mem.clone(), mem.clone(), mem.clone(), mem.clone(), clock.clone(), policy),
        gate: GateService::new(mem.clone(), mem.clone(), ticket_key(), clock.clone()),
        tickets: TicketService::new(mem.clone(), mem.clone(), mem.clone(), ticket_key()),
        transfers: TransferService::new(
            mem.clone(),
            mem.clone(),
            mem.clone(),
            mem.clone(),
            clock.clone(),
            TRANSFER_CLOSES,
        ),
        admitter,
        queue,
        mem,
        clock,
        concert,
        date,
    }
}

impl World {
    /// A new user with an ACTIVE token; returns the admission and the raw token.
    pub async fn fan(&self) -> (Admission, String) {
        let user = UserId::random();
        let (view, _) = self.queue.issue(user, &self.concert).await.expect("issue");
        self.admitter.tick(&self.concert).await.expect("tick");
        let raw = view.token.to_string();
        (self.queue.authorize(user, Some(&raw), &self.concert).await.expect("admitted"), raw)
    }

    /// A fan who paid seat `n` of the world's date, 20 days before the show (the clock is
    /// set there).
    pub async fn paid(&self, n: i64) -> (Admission, crate::booking::reservation::Reservation) {
        self.clock.set(self.date.start().minus(Duration::from_secs(20 * 24 * 3600)));
        let (fan, raw) = self.fan().await;
        let seat = crate::values::ids::SeatNumber::new(n).expect("a seat number");
        let r = self.holds.hold(&fan, self.date, seat).await.expect("held");
        self.mem.set_balance(fan.user, won(1_000_000)).expect("a balance");
        self.payments.pay(fan.user, Some(&raw), &[r.id], None).await.expect("paid");
        (fan, r)
    }

    /// The fan's next request: authorized again, as every handler does (which keeps the
    /// fan's slot while they are active).
    pub async fn again(&self, fan: &Admission, raw: &str) -> Admission {
        self.queue.authorize(fan.user, Some(raw), &self.concert).await.expect("still admitted")
    }
}
