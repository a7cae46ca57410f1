//! The join's proof of work against the emulators: a sale that asks one refuses a join
//! without it (428) or with a wrong, another fan's or forged solution (403), lets a solved
//! challenge in, and the operator turns it off and on.

use domain::rules::join_work::solves;
use domain::values::ids::UserId;
use integration_tests::*;
use serde_json::json;

const DATE: &str = "2026-12-24";

fn join(concert: &str, user: UserId, proof: Option<(&str, u64)>) -> Call {
    let mut body = json!({ "concertId": concert });
    if let Some((challenge, nonce)) = proof {
        body["proofOfWork"] = json!({ "challenge": challenge, "nonce": nonce });
    }
    Call::post("/queue/tokens", body).as_user(user)
}

#[tokio::test]
async fn a_sale_that_asks_a_proof_of_work_lets_in_solved_challenges_only() {
    let app = App::start().await;
    let concert = app.new_concert(&[DATE]).await;
    let c = concert.as_str();
    let set = |bits: u64| {
        Call::put(format!("/operator/concerts/{c}/admission"), json!({ "proofOfWorkBits": bits })).as_operator()
    };
    let hard = app.request(set(10)).await;
    assert_eq!((hard.status, &hard.body["proofOfWorkBits"]), (200, &json!(10)), "{hard:?}");
    // The operator's change reaches the joins within a glance (ADR 0013): wait for it.
    let fan = UserId::random();
    let mut refused = app.request(join(c, fan, None)).once().await;
    for _ in 0..200 {
        if refused.status == 428 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        refused = app.request(join(c, UserId::random(), None)).once().await;
    }
    assert_eq!((refused.status, refused.code()), (428, "PROOF_OF_WORK_REQUIRED"), "{refused:?}");

    let given = app.request(Call::post("/queue/challenges", json!({ "concertId": c })).as_user(fan)).await;
    assert_eq!((given.status, &given.body["bits"]), (201, &json!(10)), "{given:?}");
    let challenge = given.text("challenge").to_owned();
    let nonce = (0..).find(|&n| solves(&challenge, n, 10)).unwrap();
    let wrong = (0..).find(|&n| !solves(&challenge, n, 10)).unwrap();
    let bad = app.request(join(c, fan, Some((&challenge, wrong)))).await;
    assert_eq!((bad.status, bad.code()), (403, "PROOF_OF_WORK_INVALID"), "{bad:?}");
    let stolen = app.request(join(c, UserId::random(), Some((&challenge, nonce)))).await;
    assert_eq!((stolen.status, stolen.code()), (403, "PROOF_OF_WORK_INVALID"), "another fan's: {stolen:?}");
    let easier = challenge.replacen(".10.", ".1.", 1);
    let forged = app.request(join(c, fan, Some((&easier, 0)))).await;
    assert_eq!((forged.status, forged.code()), (403, "PROOF_OF_WORK_INVALID"), "{forged:?}");
    let joined = app.request(join(c, fan, Some((&challenge, nonce)))).await;
    assert!(joined.status == 201 || (faults_on() && joined.status == 200), "{joined:?}");
    let again = app.request(join(c, fan, None)).await;
    assert_eq!((again.status, again.text("token")), (200, joined.text("token")), "in line: no second cost");
}
