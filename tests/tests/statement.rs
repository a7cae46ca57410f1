//! The wallet statement against the emulators: after any mix of charges, payments and
//! refunds, some of them racing on one wallet, every change is one numbered entry and the
//! statement adds up to the balance.

use domain::values::ids::{ConcertId, UserId};
use integration_tests::*;
use serde_json::Value;

/// A show far enough ahead that refunds cost nothing.
const DATE: &str = "2030-06-01";

/// An ACTIVE token for `user` (the live one, or a new one once a payment used it up).
async fn token_for(app: &App, concert: &ConcertId, user: UserId) -> String {
    let (view, _) = setup(|| app.queue.issue(user, concert)).await;
    let raw = view.token.to_string();
    for _ in 0..100 {
        if app.queue.authorize(user, Some(&raw), concert).await.is_ok() {
            return raw;
        }
        setup(|| app.admitter.tick(concert)).await;
    }
    panic!("{user} was never admitted")
}

/// The whole statement through the API, in pages of 7, oldest first.
async fn statement(app: &App, user: UserId) -> Vec<Value> {
    let mut all = Vec::new();
    let mut path = format!("/users/{user}/statement?limit=7");
    loop {
        let page = app.get(path.clone()).await;
        assert_eq!(page.status, 200, "{page:?}");
        all.extend(page.body["entries"].as_array().unwrap().iter().cloned());
        match page.body["next"].as_str() {
            Some(next) => path = format!("/users/{user}/statement?limit=7&cursor={next}"),
            None => break,
        }
    }
    all.reverse();
    all
}

/// A small deterministic generator, so that a failing mix can be replayed from its seed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    *state >> 33
}

#[tokio::test]
async fn after_a_random_mix_of_charges_payments_and_refunds_the_statement_adds_up_to_the_balance() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    for seed in 1..=3u64 {
        let user = UserId::random();
        let charge = |amount: i64, key: Option<String>| {
            let c = Call::charge(user, amount);
            match key {
                Some(k) => c.key(&k),
                None => c,
            }
        };
        // Twelve charges of one wallet at once: each reads the wallet, then writes on it.
        let racing: Vec<Call> =
            (0..12).map(|i| charge(50_000 + i, (i % 2 == 0).then(|| format!("race-{seed}-{i}")))).collect();
        let answers = app.send_all(racing, 6).await;
        let mut done = answers.iter().filter(|a| a.status == 200).count();
        let unknown = answers.iter().filter(|a| a.code() == "CHARGE_OUTCOME_UNKNOWN").count();
        assert_eq!(done + unknown, 12, "{answers:?}");

        let mut rng = seed;
        let mut paid: Vec<String> = Vec::new();
        for step in 0..12u64 {
            match next(&mut rng) % 3 {
                0 => {
                    let amount = 1 + (next(&mut rng) % 200_000) as i64;
                    let a = app.request(charge(amount, Some(format!("mix-{seed}-{step}")))).await;
                    assert_eq!(a.status, 200, "{a:?}");
                    done += 1;
                }
                1 => {
                    let token = token_for(&app, &concert, user).await;
                    let seat = (seed - 1) * 15 + step + 1;
                    let held = app.hold(&concert, DATE, seat).token(&token).await;
                    if held.status != 201 {
                        assert_eq!(held.code(), "SEAT_LIMIT_REACHED", "{held:?}");
                        continue;
                    }
                    let id = held.text("reservationId").to_owned();
                    let a = app.pay(&id).token(&token).key(&format!("pay-{seed}-{step}")).await;
                    if a.status == 201 {
                        paid.push(id);
                        done += 1;
                    } else {
                        assert_eq!(a.code(), "INSUFFICIENT_BALANCE", "{a:?}");
                    }
                }
                _ if !paid.is_empty() => {
                    let id = paid.remove(usize::try_from(next(&mut rng)).unwrap() % paid.len());
                    let a = app.refund(&id).as_user(user).await;
                    assert_eq!(a.status, 200, "{a:?}");
                    done += 1;
                }
                _ => {}
            }
        }

        let entries = statement(&app, user).await;
        let mut running = 0;
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e["seq"], i + 1, "numbered without gaps: {entries:?}");
            running += e["amount"].as_i64().unwrap();
            assert_eq!(e["balanceAfter"], running, "seed {seed}: {entries:?}");
        }
        assert_eq!(app.balance(user).await, running, "seed {seed}: the balance is the statement's sum");
        assert!(
            (done..=done + unknown).contains(&entries.len()),
            "seed {seed}: one entry per change ({done} answered, {unknown} unknown): {entries:?}"
        );
    }
}

#[tokio::test]
async fn only_the_owner_reads_a_statement_and_a_bad_cursor_is_a_problem() {
    let app = App::start().await;
    let user = UserId::random();
    app.charge(user, 1_000).key("one").await;
    let other = app.get(format!("/users/{user}/statement")).as_user(UserId::random()).await;
    assert_eq!((other.status, other.code()), (403, "FORBIDDEN"));
    for bad in ["cursor=abc", "cursor=1", "limit=0", "limit=500"] {
        let a = app.get(format!("/users/{user}/statement?{bad}")).await;
        assert_eq!(a.status, 400, "{bad}: {a:?}");
    }
    let mine = app.get(format!("/users/{user}/statement")).await;
    assert_eq!(mine.body["entries"].as_array().map(Vec::len), Some(1), "{mine:?}");
    assert_eq!(mine.body["entries"][0]["kind"], "CHARGE");
    assert_eq!(mine.body["next"], Value::Null);
}
