//! A wallet as read and its statement: every change of a balance is one numbered entry
//! with the balance after it, and so is a ticket passed between accounts (amount 0).

use crate::error::{Error, Result};
use crate::values::clock::Timestamp;
use crate::values::ids::UserId;
use crate::values::money::Won;
use serde_json::{json, Value};

/// A wallet as read: its balance and how many statement entries led to it. Every write
/// to a balance is conditioned on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wallet {
    pub balance: Won,
    pub entries: u64,
}

impl Wallet {
    /// The statement entry that moves this wallet to `after`: the next one.
    pub fn entry(&self, kind: EntryKind, after: Won, reference: Option<String>, at: Timestamp) -> StatementEntry {
        StatementEntry {
            seq: self.entries + 1,
            kind,
            amount: after.get() - self.balance.get(),
            balance_after: after,
            at,
            reference,
        }
    }

    /// The statement entry that records, without moving this wallet's balance, something
    /// its holder should see beside their money (a ticket passed on or received).
    pub fn note(&self, kind: EntryKind, reference: String, at: Timestamp) -> StatementEntry {
        self.entry(kind, self.balance, Some(reference), at)
    }
}

/// A statement entry for `user`'s wallet as it was read (`expected`): written only if the
/// wallet is still so, like every change of a balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletLine {
    pub user: UserId,
    pub expected: Wallet,
    pub entry: StatementEntry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Charge,
    Payment,
    Refund,
    /// A ticket passed to another account (or given back to its sender); no money moves.
    TicketSent,
    /// A ticket passed to this account (or given back to it); no money moves.
    TicketReceived,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "CHARGE",
            EntryKind::Payment => "PAYMENT",
            EntryKind::Refund => "REFUND",
            EntryKind::TicketSent => "TICKET_SENT",
            EntryKind::TicketReceived => "TICKET_RECEIVED",
        }
    }

    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "CHARGE" => Ok(EntryKind::Charge),
            "PAYMENT" => Ok(EntryKind::Payment),
            "REFUND" => Ok(EntryKind::Refund),
            "TICKET_SENT" => Ok(EntryKind::TicketSent),
            "TICKET_RECEIVED" => Ok(EntryKind::TicketReceived),
            other => Err(Error::Infrastructure(format!("unknown statement entry kind {other}"))),
        }
    }
}

/// One line of a wallet's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEntry {
    /// 1, 2, 3... in the order the balance moved.
    pub seq: u64,
    pub kind: EntryKind,
    /// What the entry added to the balance: negative for a payment.
    pub amount: i64,
    pub balance_after: Won,
    pub at: Timestamp,
    /// The payment or refund behind the entry, or the ticket sent or received; none for a
    /// charge.
    pub reference: Option<String>,
}

impl StatementEntry {
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "kind": self.kind.as_str(),
            "amount": self.amount,
            "balanceAfter": self.balance_after.get(),
            "at": self.at.to_rfc3339(),
            "reference": self.reference,
        })
    }
}

/// One page of a statement, newest first, and the cursor of the page after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementPage {
    pub entries: Vec<StatementEntry>,
    pub next: Option<String>,
}

pub const STATEMENT_PAGE: usize = 20;
pub const STATEMENT_PAGE_MAX: usize = 100;
