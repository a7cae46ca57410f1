//! The test app: the service as a test meets it. Services on the emulators (the environment
//! `make test` writes) behind template.yaml's routes, a typed helper for each request the
//! tests send (`app.hold(...)`, `app.pay(...)`, `app.balance(...)`), and the setup steps
//! that make a concert and let fans in.

use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use adapters::dynamo::{DynamoQueue, Tables};
use domain::catalog::concert::Concert;
use domain::catalog::spec::new_concert_seats;
use domain::catalog::store::CatalogStore;
use domain::line::store::LineStore;
use domain::values::clock::{Clock, ManualClock, SystemClock, Timestamp};
use domain::values::ids::{ConcertDate, ConcertId, TokenId, UserId};
use edge::config::Settings;
use edge::wiring::Services;
use futures::StreamExt;
use local_gateway::{Functions, Route};
use serde_json::Value;

use crate::call::{call, call_once, local_aws_dir, routes};
use crate::{Answer, Call, SignIn};

/// The service under test: one "Lambda instance" (its services, clock and settings) and the
/// routes to its functions. It derefs to its `Services`, so that a test reaches the domain
/// directly (`app.queue`, `app.admitter`, `app.settings`) where a request cannot.
pub struct App {
    pub services: Arc<Services>,
    /// The functions behind the routes, each signed as itself: the local stack holds each
    /// to its own IAM policy in template.yaml.
    pub functions: Functions,
    pub routes: Vec<Route>,
}

impl Deref for App {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

impl App {
    /// With the real clock and the settings of the environment.
    pub async fn start() -> Self {
        Self::with(Arc::new(SystemClock), |_| {}).await
    }

    /// With another clock or adjusted settings.
    pub async fn with(clock: Arc<dyn Clock>, tweak: impl FnOnce(&mut Settings)) -> Self {
        local_aws_dir();
        let mut settings = Settings::from_env().expect("settings from the environment");
        // Joins answer from what the line was a moment ago (ADR 0009) only where a test asks:
        // these tests act as one instance that must see the operator's change of a millisecond
        // ago. The glance is proven by the queue's unit tests and runs in the gateway's
        // default settings (the rush, the browser tests).
        settings.glance = std::time::Duration::ZERO;
        tweak(&mut settings);
        let functions = Functions::connect(settings.clone(), clock.clone()).await;
        Self { services: Arc::new(Services::connect(settings, clock).await), functions, routes: routes() }
    }

    /// With its clock stopped at `t`.
    pub async fn at(t: Timestamp) -> Self {
        Self::with(Arc::new(ManualClock::at(t)), |_| {}).await
    }

    /// Services built otherwise (an SQS endpoint that is down, say), shared by every
    /// function: no per-function identity, so no IAM check.
    pub fn on(services: Arc<Services>) -> Self {
        Self { functions: Functions::one(services.clone()), services, routes: routes() }
    }

    /// `call`, on its way: `.await` sends it (a 503 again, as a client would), `.once()` once.
    pub fn request(&self, call: Call) -> Request<'_> {
        Request { app: self, call }
    }

    pub fn get(&self, path: impl Into<String>) -> Request<'_> {
        self.request(Call::get(path))
    }

    pub fn post(&self, path: impl Into<String>, body: Value) -> Request<'_> {
        self.request(Call::post(path, body))
    }

    pub fn put(&self, path: impl Into<String>, body: Value) -> Request<'_> {
        self.request(Call::put(path, body))
    }

    /// `POST /queue/tokens` for `concert`, by whoever signs in.
    pub fn join(&self, concert: impl Display) -> Request<'_> {
        self.request(Call::join(concert))
    }

    /// `POST /queue/tokens` for `concert`, naming `user` in the body.
    pub fn join_for(&self, user: impl Display, concert: impl Display) -> Request<'_> {
        self.request(Call::join_for(user, concert))
    }

    /// `GET /queue/tokens/current`: the presented token's status.
    pub fn current_token(&self) -> Request<'_> {
        self.get("/queue/tokens/current")
    }

    /// `GET /concerts/{concert}/dates`: the dates and their available seats.
    pub fn dates(&self, concert: impl Display) -> Request<'_> {
        self.get(format!("/concerts/{concert}/dates"))
    }

    /// `GET /concerts/{concert}/dates/{date}/seats`.
    pub fn seats(&self, concert: impl Display, date: &str) -> Request<'_> {
        self.get(format!("/concerts/{concert}/dates/{date}/seats"))
    }

    /// `POST /reservations`: a hold of one seat.
    pub fn hold(&self, concert: impl Display, date: &str, seat: u64) -> Request<'_> {
        self.request(Call::hold(concert, date, seat))
    }

    /// `GET /reservations/{reservation}`.
    pub fn reservation(&self, reservation: &str) -> Request<'_> {
        self.get(format!("/reservations/{reservation}"))
    }

    /// `DELETE /reservations/{reservation}`.
    pub fn cancel(&self, reservation: &str) -> Request<'_> {
        self.request(Call::cancel(reservation))
    }

    /// `POST /payments` for one reservation.
    pub fn pay(&self, reservation: &str) -> Request<'_> {
        self.request(Call::pay(reservation))
    }

    /// `POST /reservations/{reservation}/refund`.
    pub fn refund(&self, reservation: &str) -> Request<'_> {
        self.request(Call::refund(reservation))
    }

    /// `POST /users/{user}/balance/charges`, keyless unless `.key(...)` adds one.
    pub fn charge(&self, user: impl Display, amount: i64) -> Request<'_> {
        self.request(Call::charge(user, amount))
    }

    /// `GET /users/{user}/payments`.
    pub fn payments(&self, user: UserId) -> Request<'_> {
        self.get(format!("/users/{user}/payments"))
    }

    /// `GET /operator/concerts/{concert}` as an operator: the sale's numbers.
    pub fn numbers(&self, concert: impl Display) -> Request<'_> {
        self.get(format!("/operator/concerts/{concert}")).as_operator()
    }

    /// `user`'s balance, as `GET /users/{user}/balance` answers it.
    pub async fn balance(&self, user: UserId) -> i64 {
        self.get(format!("/users/{user}/balance")).await.body["balance"].as_i64().unwrap()
    }

    /// Many requests at once from this process, `concurrency` at a time; the answers in the
    /// requests' order.
    pub async fn send_all(&self, calls: Vec<Call>, concurrency: usize) -> Vec<Answer> {
        let mut answers: Vec<(usize, Answer)> = futures::stream::iter(calls.into_iter().enumerate())
            .map(|(i, c)| async move { (i, self.request(c).await) })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        answers.sort_by_key(|(i, _)| *i);
        answers.into_iter().map(|(_, a)| a).collect()
    }

    /// The DynamoDB tables, through a client of their own, for reading what the service wrote.
    pub async fn tables(&self) -> Tables {
        Tables::new(aws_sdk_dynamodb::Client::new(&aws_config::load_from_env().await), self.settings.resources.clone())
    }

    /// A fresh concert with the given dates (50 seats each), unique to the calling test.
    pub async fn new_concert(&self, dates: &[&str]) -> ConcertId {
        let id = ConcertId::parse(&format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])).unwrap();
        let dates: Vec<ConcertDate> = dates.iter().map(|d| ConcertDate::parse(d).unwrap()).collect();
        let seats = new_concert_seats(&dates);
        // On sale since an hour ago, so that a test's own clock a little behind still sees it open.
        let since = SystemClock.now().minus(std::time::Duration::from_secs(3600));
        let until = SystemClock.now().plus(std::time::Duration::from_secs(30 * 24 * 3600));
        let concert = Concert::on_sale(id.clone(), "Test concert", "Test hall", since, until);
        setup(|| self.catalog_store.add_concert(&concert, &seats)).await;
        // Open for an hour: the admitter's first tick after the opening sealed its draw.
        setup(|| self.admitter.seal(&id)).await;
        id
    }

    /// `n` fans with ACTIVE tokens for `concert` (issued, then admitted by ticks).
    pub async fn admitted_fans(&self, concert: &ConcertId, n: usize) -> Vec<Fan> {
        let mut fans = Vec::new();
        for _ in 0..n {
            let user = UserId::random();
            let (view, _) = setup(|| self.queue.issue(user, concert)).await;
            fans.push(Fan { user, token: view.token.to_string() });
        }
        // Tick until every fan is in: fans who joined within one tick are let in in the order
        // of their places, which the arrival stripes interleave (an injected fault met on the
        // way is sent again by the next round).
        let mut waiting: Vec<&Fan> = fans.iter().collect();
        for _ in 0..100 {
            let mut still = Vec::new();
            for f in waiting {
                if self.queue.authorize(f.user, Some(&f.token), concert).await.is_err() {
                    still.push(f);
                }
            }
            waiting = still;
            if waiting.is_empty() {
                return fans;
            }
            setup(|| self.admitter.tick(concert)).await;
        }
        panic!("{} fans were never let in", waiting.len())
    }

    /// One fan with an ACTIVE token for `concert`.
    pub async fn fan(&self, concert: &ConcertId) -> Fan {
        self.admitted_fans(concert, 1).await.remove(0)
    }

    /// A fan of `concert` who charged 1,000,000 and paid seat `seat` of `date`:
    /// (fan, reservation id, price).
    pub async fn bought(&self, concert: &ConcertId, date: &str, seat: u64) -> (Fan, String, i64) {
        let fan = self.fan(concert).await;
        self.charge(fan.user, 1_000_000).key("top").await;
        let held = self.hold(concert, date, seat).token(&fan.token).await;
        assert_eq!(held.status, 201, "{held:?}");
        let id = held.text("reservationId").to_owned();
        let paid = self.pay(&id).token(&fan.token).key("pay").await;
        assert_eq!(paid.status, 201, "{paid:?}");
        (fan, id, held.number("price"))
    }
}

/// A fan with an ACTIVE token.
#[derive(Debug, Clone)]
pub struct Fan {
    pub user: UserId,
    pub token: String,
}

/// A request on its way (see `App::request`), its headers still to add.
#[derive(Clone)]
#[must_use = "a request is sent when awaited"]
pub struct Request<'a> {
    app: &'a App,
    call: Call,
}

impl Request<'_> {
    /// The queue token (`X-Queue-Token`).
    pub fn token(self, token: &str) -> Self {
        self.map(|c| c.token(token))
    }

    /// The admission pass (`X-Admission-Pass`).
    pub fn pass(self, pass: &str) -> Self {
        self.map(|c| c.pass(pass))
    }

    /// The Idempotency-Key.
    pub fn key(self, key: &str) -> Self {
        self.map(|c| c.key(key))
    }

    /// Signed in as `user` (a fan).
    pub fn as_user(self, user: UserId) -> Self {
        self.map(|c| c.as_user(user))
    }

    /// Signed in as a new operator.
    pub fn as_operator(self) -> Self {
        self.map(Call::as_operator)
    }

    pub fn sign_in(self, sign_in: SignIn) -> Self {
        self.map(|c| c.sign_in(sign_in))
    }

    /// Sent once, whatever it answers (a 503 is not sent again).
    pub async fn once(self) -> Answer {
        call_once(self.app, &self.call).await
    }

    fn map(self, f: impl FnOnce(Call) -> Call) -> Self {
        Self { app: self.app, call: f(self.call) }
    }
}

impl<'a> IntoFuture for Request<'a> {
    type Output = Answer;
    type IntoFuture = Pin<Box<dyn Future<Output = Answer> + 'a>>;

    /// Sent as a well-behaved client sends it (see `call`).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { call(self.app, &self.call).await })
    }
}

/// A setup step that an injected fault may interrupt: repeated until it succeeds (every
/// step used this way is safe to repeat), so that faults are met by the code under test.
pub async fn setup<T, F, Fut>(mut step: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = domain::Result<T>>,
{
    let mut last = None;
    for _ in 0..20 {
        match step().await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("setup step kept failing: {last:?}")
}

/// The user a queue token was issued to, read straight from the table.
pub(crate) async fn token_owner(s: &Services, raw: &str) -> Option<UserId> {
    let id = TokenId::parse(raw).ok()?;
    let store = DynamoQueue::new(Tables::new(
        aws_sdk_dynamodb::Client::new(&aws_config::load_from_env().await),
        s.settings.resources.clone(),
    ));
    setup(|| store.token(id)).await.map(|t| t.user)
}
