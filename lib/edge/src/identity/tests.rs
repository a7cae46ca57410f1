//! Unit tests of `identity`.

use super::*;

fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn the_user_is_the_sub_claim() {
    let u = UserId::random();
    let c = Caller::from_claims(&claims(&[("sub", &u.to_string())])).unwrap();
    assert_eq!(c, Caller { user: u, operator: false, staff: false });
}

#[test]
fn no_sub_or_an_empty_one_is_an_invalid_sign_in() {
    assert_eq!(Caller::from_claims(&claims(&[])), Err(Error::AuthInvalid));
    assert_eq!(Caller::from_claims(&claims(&[("sub", " ")])), Err(Error::AuthInvalid));
}

#[test]
fn a_non_uuid_subject_of_another_issuer_maps_to_one_stable_user() {
    let a = Caller::from_claims(&claims(&[("sub", "auth0|42"), ("iss", "https://a.example")])).unwrap();
    let again = Caller::from_claims(&claims(&[("sub", "auth0|42"), ("iss", "https://a.example")])).unwrap();
    let other_issuer = Caller::from_claims(&claims(&[("sub", "auth0|42"), ("iss", "https://b.example")])).unwrap();
    assert_eq!(a.user, again.user);
    assert_ne!(a.user, other_issuer.user, "the same subject at another issuer is another person");
}

#[test]
fn operators_are_the_cognito_group_or_the_role_claim() {
    let u = UserId::random().to_string();
    for (k, v, op) in [
        ("cognito:groups", "[operators]", true),
        ("cognito:groups", "[fans operators]", true),
        ("cognito:groups", "[fans]", false),
        ("cognito:groups", "[operators-lite]", false),
        ("role", "operator", true),
        ("role", "fan", false),
    ] {
        let c = Caller::from_claims(&claims(&[("sub", &u), (k, v)])).unwrap();
        assert_eq!(c.operator, op, "{k}={v}");
        assert_eq!(c.must_be_operator().is_ok(), op);
    }
}

#[test]
fn gate_staff_are_their_own_group_or_role_and_no_operator_is_staff_by_being_one() {
    let u = UserId::random().to_string();
    for (k, v, staff, operator) in [
        ("cognito:groups", "[staff]", true, false),
        ("cognito:groups", "[operators staff]", true, true),
        ("cognito:groups", "[operators]", false, true),
        ("cognito:groups", "[staffing]", false, false),
        ("role", "staff", true, false),
    ] {
        let c = Caller::from_claims(&claims(&[("sub", &u), (k, v)])).unwrap();
        assert_eq!((c.staff, c.operator), (staff, operator), "{k}={v}");
        assert_eq!(c.must_be_staff().is_ok(), staff);
    }
}

#[test]
fn a_path_naming_another_user_is_forbidden() {
    let me = Caller { user: UserId::random(), operator: true, staff: false };
    assert_eq!(me.must_be(me.user), Ok(()));
    assert_eq!(me.must_be(UserId::random()), Err(Error::Forbidden), "operators too: wallets are personal");
}

#[test]
fn a_request_without_authorizer_claims_is_unauthenticated() {
    let req = http::Request::builder().uri("/x").body(lambda_http::Body::Empty).unwrap();
    assert_eq!(caller(&req), Err(Error::AuthMissing));
}
