//! Admission passes against the emulators: a pass one instance signs is honoured by every
//! other (several OS processes), refused when tampered, foreign, or for another concert,
//! and a spent one can never hold again (docs/adr/0007-admission-pass.md).

use domain::values::ids::UserId;
use integration_tests::*;

const SWARM: &str = env!("CARGO_BIN_EXE_swarm");
const DATE: &str = "2026-12-24";

/// A fan's check-in: the pass their token's answer carries once it is ACTIVE.
async fn pass_of(app: &App, fan: &Fan) -> String {
    let a = app.current_token().token(&fan.token).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body["status"], "ACTIVE");
    a.body["admissionPass"].as_str().expect("an ACTIVE token's answer carries its pass").to_owned()
}

#[tokio::test]
async fn passes_signed_by_one_instance_admit_in_four_other_processes() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fans = app.admitted_fans(&concert, 8).await;
    let mut calls = Vec::new();
    for fan in &fans {
        let pass = pass_of(&app, fan).await;
        // The pass alone, no queue token: checked in-process by whichever instance answers.
        for path in [format!("/concerts/{concert}/dates"), format!("/concerts/{concert}/dates/{DATE}/seats")] {
            calls.push(Call::get(path).pass(&pass).as_user(fan.user));
        }
    }
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 4 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert_eq!(answers.len(), 16);
    assert!(answers.iter().all(|a| a.status == 200), "{answers:?}");
    assert!(answers.iter().any(|a| a.body["dates"][0]["availableSeats"] == 50));
}

#[tokio::test]
async fn tampered_foreign_and_other_concert_passes_are_refused() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let other = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    let pass = pass_of(&app, &fan).await;
    let dates = format!("/concerts/{concert}/dates");

    let a = app.get(&dates).pass(&pass).as_user(fan.user).await;
    assert_eq!(a.status, 200, "{a:?}");
    // One character of the signed part changed (the user, the concert, the stay...).
    for at in [3, 40, pass.len() - 70] {
        let mut tampered = pass.clone().into_bytes();
        tampered[at] = if tampered[at] == b'1' { b'2' } else { b'1' };
        let tampered = String::from_utf8(tampered).unwrap();
        let a = app.get(&dates).pass(&tampered).as_user(fan.user).await;
        assert_eq!((a.status, a.code()), (401, "TOKEN_INVALID"), "changed at {at}");
    }
    let a = app.get(&dates).pass(&pass).as_user(UserId::random()).await;
    assert_eq!((a.status, a.code()), (403, "FORBIDDEN"), "another user presenting it");
    let a = app.dates(&other).pass(&pass).as_user(fan.user).await;
    assert_eq!((a.status, a.code()), (403, "TOKEN_WRONG_CONCERT"));
    let a = app.hold(&other, DATE, 1).pass(&pass).as_user(fan.user).await;
    assert_eq!((a.status, a.code()), (403, "TOKEN_WRONG_CONCERT"));
}

#[tokio::test]
async fn a_spent_pass_cannot_hold_again_from_any_process() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let fan = app.fan(&concert).await;
    let pass = pass_of(&app, &fan).await;
    let held = app.hold(&concert, DATE, 1).pass(&pass).as_user(fan.user).await;
    assert_eq!(held.status, 201, "{held:?}");
    assert_eq!(app.charge(fan.user, 1_000_000).key("pass-charge").await.status, 200);
    let reservation = held.text("reservationId");
    let pay = Call::pay(reservation).pass(&pass).as_user(fan.user);
    let paid = app.request(pay.clone().key("pass-pay")).await;
    assert_eq!(paid.status, 201, "{paid:?}");

    // The pass has not expired, but its token is used up: 12 holds of 12 seats from 4
    // processes are all refused, and every one of those seats stays on sale.
    let calls: Vec<Call> = (2..14).map(|seat| Call::hold(&concert, DATE, seat).pass(&pass).as_user(fan.user)).collect();
    let jobs = split(&calls, 4).into_iter().map(|calls| Job::Calls { calls, concurrency: 3 }).collect();
    let answers: Vec<Answer> = swarm(SWARM, jobs, &[]).into_iter().flatten().collect();
    assert_eq!(answers.len(), 12);
    assert!(answers.iter().all(|a| (a.status, a.code()) == (410, "TOKEN_EXPIRED")), "{answers:?}");
    let other_fan = app.fan(&concert).await;
    let seats = app.seats(&concert, DATE).token(&other_fan.token).await;
    let available = seats.body["seats"].as_array().unwrap().iter().filter(|x| x["status"] == "AVAILABLE").count();
    assert_eq!(available, 49, "only the paid seat is gone");
    // The same payment sent again with the spent pass learns its outcome.
    let again = app.request(pay.key("pass-pay")).await;
    assert_eq!((again.status, &again.body["paymentId"]), (201, &paid.body["paymentId"]));
}
