//! Who is who, against the emulators and through the gateway's JWT checks: bad sign-ins
//! are refused before anything is read or written, nobody acts as someone else, and an
//! account holds at most its concert's seat limit from any number of instances.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use domain::catalog::concert::{Concert, SeatState};
use domain::catalog::store::CatalogStore;
use domain::values::clock::{Clock, ManualClock, SystemClock};
use domain::values::ids::UserId;
use domain::values::ids::{ConcertDate, SeatNumber};
use integration_tests::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
const DATE: &str = "2026-12-24";
const LIMIT: usize = Concert::DEFAULT_SEAT_LIMIT as usize;

/// Signed with the local key's `kid`, so that each bad token fails for its own reason.
fn signed(claims: &Value, alg: Algorithm, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = identity().jwks()["keys"][0]["kid"].as_str().map(str::to_owned);
    encode(&header, claims, key).expect("sign")
}

fn key_pem() -> Vec<u8> {
    std::fs::read(std::env::var("DEV_JWT_KEY_FILE").expect("DEV_JWT_KEY_FILE")).expect("the local signing key")
}

fn public_pem() -> Vec<u8> {
    let key = std::env::var("DEV_JWT_KEY_FILE").expect("DEV_JWT_KEY_FILE");
    let out = Command::new("openssl").args(["rsa", "-in", &key, "-pubout"]).output().expect("openssl");
    assert!(out.status.success());
    out.stdout
}

fn claims(user: UserId, shift: impl Fn(&mut Value)) -> Value {
    let now = SystemClock.now().millis() / 1000;
    let mut c = json!({
        "sub": user.to_string(), "iss": identity().issuer(), "aud": identity().audience(),
        "iat": now, "nbf": now, "exp": now + 600,
    });
    shift(&mut c);
    c
}

#[tokio::test]
async fn bad_sign_ins_get_401_and_write_nothing() {
    let app = App::start().await;
    let user = UserId::random();
    let real = EncodingKey::from_rsa_pem(&key_pem()).unwrap();
    let good = signed(&claims(user, |_| {}), Algorithm::RS256, &real);
    let mut forged = good.clone();
    forged.truncate(forged.len() - 6);
    forged.push_str("AAAAAA");
    // {"alg":"none","typ":"JWT"} over the good token's claims, without a signature.
    let payload = good.split('.').nth(1).unwrap();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    let confused = signed(&claims(user, |_| {}), Algorithm::HS256, &EncodingKey::from_secret(&public_pem()));
    let bad: Vec<(&str, String, &str)> = vec![
        (
            "expired",
            signed(&claims(user, |c| c["exp"] = json!(c["iat"].as_i64().unwrap() - 60)), Algorithm::RS256, &real),
            "AUTH_INVALID",
        ),
        (
            "not yet valid",
            signed(&claims(user, |c| c["nbf"] = json!(c["iat"].as_i64().unwrap() + 600)), Algorithm::RS256, &real),
            "AUTH_INVALID",
        ),
        (
            "wrong issuer",
            signed(&claims(user, |c| c["iss"] = json!("https://evil.example")), Algorithm::RS256, &real),
            "AUTH_INVALID",
        ),
        (
            "wrong audience",
            signed(&claims(user, |c| c["aud"] = json!("someone-else")), Algorithm::RS256, &real),
            "AUTH_INVALID",
        ),
        ("bad signature", forged, "AUTH_INVALID"),
        ("alg none", none, "AUTH_INVALID"),
        ("HS256 signed with the public key", confused, "AUTH_INVALID"),
        (
            "no sub",
            signed(
                &claims(user, |c| {
                    c.as_object_mut().unwrap().remove("sub");
                }),
                Algorithm::RS256,
                &real,
            ),
            "AUTH_INVALID",
        ),
        ("garbage", "not.a.jwt".into(), "AUTH_INVALID"),
    ];
    let charge = |sign_in: SignIn| app.charge(user, 1_000).key("k").sign_in(sign_in);
    for (what, token, code) in &bad {
        let a = charge(SignIn::Header(format!("Bearer {token}"))).once().await;
        assert_eq!((a.status, a.code()), (401, *code), "{what}: {a:?}");
    }
    for header in [None, Some("Basic dXNlcjpwdw=="), Some("Bearer")] {
        let sign_in = header.map_or(SignIn::Anonymous, |h| SignIn::Header(h.to_owned()));
        let a = charge(sign_in).once().await;
        assert_eq!((a.status, a.code()), (401, "AUTH_MISSING"), "{header:?}: {a:?}");
    }
    // The same request with the good token is accepted, and nothing was written before it.
    let a = charge(SignIn::Header(format!("Bearer {good}"))).await;
    assert_eq!((a.status, &a.body["balance"]), (200, &json!(1_000)), "{a:?}");
    // The catalog stays public.
    assert_eq!(app.get("/concerts").sign_in(SignIn::Anonymous).once().await.status, 200);
}

#[tokio::test]
async fn nobody_acts_as_someone_else() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fans = app.admitted_fans(&concert, 2).await;
    let (a, b) = (&fans[0], &fans[1]);
    app.charge(b.user, 900_000).key("b").await;
    let held = app.hold(&concert, DATE, 5).token(&b.token).await;
    assert_eq!(held.status, 201, "{held:?}");
    let b_reservation = held.text("reservationId").to_owned();

    let as_a = |c: Call| c.as_user(a.user);
    let attempts = [
        (as_a(Call::get(format!("/users/{}/balance", b.user))), 403),
        (as_a(Call::charge(b.user, 1).key("x")), 403),
        (as_a(Call::get(format!("/users/{}/payments", b.user))), 403),
        (as_a(Call::join_for(b.user, &concert)), 403),
        (as_a(Call::get("/queue/tokens/current").token(&b.token)), 403),
        (as_a(Call::get(format!("/concerts/{concert}/dates")).token(&b.token)), 403),
        (as_a(Call::hold(&concert, DATE, 6).token(&b.token)), 403),
        (as_a(Call::pay(&b_reservation).token(&b.token)), 403),
        (as_a(Call::get(format!("/reservations/{b_reservation}")).token(&a.token)), 404),
        (as_a(Call::cancel(&b_reservation).token(&a.token)), 404),
        (as_a(Call::pay(&b_reservation).token(&a.token)), 404),
    ];
    for (c, status) in &attempts {
        let answer = app.request(c.clone()).await;
        assert_eq!(answer.status, *status, "{} {}: {answer:?}", c.method, c.path);
    }
    // Nothing of B's changed: balance, hold, token.
    assert_eq!(app.balance(b.user).await, 900_000);
    let res = app.reservation(&b_reservation).token(&b.token).await;
    assert_eq!(res.body["status"], "HELD");
    let seats = app.seats(&concert, DATE).token(&b.token).await;
    assert_eq!(seats.body["seats"][5]["status"], "AVAILABLE", "seat 6 was not taken with B's token");
    let payments = app.payments(b.user).await;
    assert_eq!(payments.body["payments"], json!([]));
}

fn count(answers: &[Answer], status: u16, code: &str) -> usize {
    answers.iter().filter(|a| a.status == status && (code.is_empty() || a.code() == code)).count()
}

#[tokio::test]
async fn one_account_holds_at_most_its_limit_from_four_processes_and_frees_a_share_by_cancel_or_expiry() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    let calls: Vec<Call> = (1..=20).map(|seat| Call::hold(&concert, DATE, seat).token(&fan.token)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 5 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert_eq!(count(&answers, 201, ""), LIMIT, "{answers:?}");
    assert_eq!(count(&answers, 409, "SEAT_LIMIT_REACHED"), 20 - LIMIT, "{answers:?}");

    // Cancelling one gives exactly one share back.
    let held: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    let first = held[0].text("reservationId");
    let cancelled = app.cancel(first).token(&fan.token).await;
    assert_eq!((cancelled.status, &cancelled.body["status"]), (200, &json!("CANCELLED")), "{cancelled:?}");
    let again: Vec<Call> = (21..=40).map(|seat| Call::hold(&concert, DATE, seat).token(&fan.token)).collect();
    let answers = app.send_all(again, 20).await;
    assert_eq!(count(&answers, 201, ""), 1, "{answers:?}");

    // Once the holds' time has passed (a clock at that instant), they stop counting at once.
    let later = Arc::new(ManualClock::at(SystemClock.now().plus(app.settings.hold_for).plus(Duration::from_secs(1))));
    let app_later = App::with(later.clone(), |c| c.queue.active_for = Duration::from_secs(3600)).await;
    let token = setup(|| app_later.queue.issue(fan.user, &concert)).await.0.token.to_string();
    for _ in 0..5 {
        setup(|| app_later.admitter.tick(&concert)).await;
    }
    let last: Vec<Call> = (41..=50).map(|seat| Call::hold(&concert, DATE, seat).token(&token)).collect();
    let answers = app_later.send_all(last, 10).await;
    assert_eq!(count(&answers, 201, ""), LIMIT, "{answers:?}");
}

#[tokio::test]
async fn a_cancel_racing_a_payment_ends_in_exactly_one_of_them() {
    let app = App::start().await;
    for round in 0..6 {
        let concert = app.new_concert(&[DATE]).await;
        let fan = app.fan(&concert).await;
        app.charge(fan.user, 500_000).key("top-up").await;
        let held = app.hold(&concert, DATE, 1).token(&fan.token).await;
        let id = held.text("reservationId");
        let price = held.number("price");
        let pay = app.pay(id).token(&fan.token).key(&format!("p{round}"));
        let cancel = app.cancel(id).token(&fan.token);
        let (paid, cancelled) = tokio::join!(pay, cancel);
        assert!((paid.status == 201) ^ (cancelled.status == 200), "round {round}: {paid:?} / {cancelled:?}");
        let balance = app.balance(fan.user).await;
        let (date, one) = (ConcertDate::parse(DATE).unwrap(), SeatNumber::new(1).unwrap());
        let seat = setup(|| app.catalog_store.seat(&concert, date, one)).await.unwrap().state;
        if paid.status == 201 {
            // Refused: paid, or (if the cancel came after the payment used the token up) expired.
            assert!(matches!(cancelled.code(), "ALREADY_PAID" | "TOKEN_EXPIRED"), "{cancelled:?}");
            assert_eq!(balance, 500_000 - price);
            assert!(matches!(seat, SeatState::Sold { by, .. } if by == fan.user), "{seat:?}");
        } else {
            assert!(matches!(paid.code(), "HOLD_EXPIRED"), "{paid:?}");
            assert_eq!(balance, 500_000);
            assert_eq!(seat, SeatState::Available);
        }
    }
}

#[tokio::test]
async fn paying_three_holds_with_money_for_two_pays_none_and_with_enough_pays_all_at_once() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    let mut ids = Vec::new();
    let mut total = 0;
    for seat in [1, 2, 3] {
        let a = app.hold(&concert, DATE, seat).token(&fan.token).await;
        ids.push(a.text("reservationId").to_owned());
        total += a.number("price");
    }
    app.charge(fan.user, total - 1).key("most").await;
    let pay = app.post("/payments", json!({ "reservationIds": ids })).token(&fan.token).key("all-three");
    let refused = pay.clone().await;
    assert_eq!((refused.status, refused.code()), (402, "INSUFFICIENT_BALANCE"), "{refused:?}");
    let seats = app.seats(&concert, DATE).token(&fan.token).await;
    assert!(seats.body["seats"].as_array().unwrap()[..3].iter().all(|x| x["status"] == "HELD"), "nothing sold");
    assert_eq!(app.balance(fan.user).await, total - 1, "nothing debited");

    app.charge(fan.user, 1).key("last-won").await;
    let paid = pay.key("all-three-again").await;
    assert_eq!(paid.status, 201, "{paid:?}");
    assert_eq!((paid.body["amount"].as_i64(), paid.body["balance"].as_i64()), (Some(total), Some(0)));
    assert_eq!(paid.body["reservationIds"].as_array().unwrap().len(), 3);
    let seats = app.seats(&concert, DATE).token(&fan.token).await;
    assert_eq!(seats.status, 410, "the payment used the token up: {seats:?}");
}
