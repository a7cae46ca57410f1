//! Unit tests of how DynamoDB's answers are read: which are retryable, which are decided.

use super::*;

#[test]
fn each_dynamodb_error_code_maps_to_what_it_means_for_the_request() {
    assert_eq!(error_kind("TransactionConflictException"), Some(Error::Contention));
    assert_eq!(error_kind("ProvisionedThroughputExceededException"), Some(Error::Throttled));
    assert_eq!(error_kind("ThrottlingException"), Some(Error::Throttled));
    assert_eq!(error_kind("RequestLimitExceeded"), Some(Error::Throttled));
    assert_eq!(error_kind("InternalServerError"), Some(Error::Unavailable));
    assert_eq!(error_kind("ValidationException"), None);
    assert_eq!(error_kind("ResourceNotFoundException"), None);
}

#[test]
fn a_failed_condition_in_a_cancelled_transaction_is_a_decided_outcome() {
    assert_eq!(cancellation(&[Some("None"), Some("ConditionalCheckFailed")]), Ok(vec![1]));
    // Even when another item conflicted: a false condition is final for this read.
    assert_eq!(cancellation(&[Some("TransactionConflict"), Some("ConditionalCheckFailed")]), Ok(vec![1]));
}

#[test]
fn a_transaction_cancelled_by_a_conflict_or_throttling_is_retryable() {
    assert_eq!(cancellation(&[Some("None"), Some("TransactionConflict")]), Err(Error::Contention));
    assert_eq!(cancellation(&[Some("ThrottlingError"), Some("None")]), Err(Error::Throttled));
    assert_eq!(cancellation(&[Some("ProvisionedThroughputExceeded")]), Err(Error::Throttled));
}

#[test]
fn a_transaction_cancelled_for_validation_is_a_defect_never_retried() {
    let e = cancellation(&[Some("None"), Some("ValidationError")]).unwrap_err();
    assert!(matches!(e, Error::Infrastructure(_)), "{e:?}");
    assert_eq!(domain::retry::decide(&e, 0), domain::retry::Decision::GiveUp);
}
