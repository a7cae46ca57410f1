//! The operator API's JSON: request bodies parsed into checked types (any mismatch is a
//! 400 problem) and the views it answers with. `docs/openapi.json` is the contract.

pub mod venue;

use serde::Deserialize;
use serde_json::{json, Value};

use domain::catalog::concert::Concert;
use domain::catalog::numbers::SaleNumbers;
use domain::catalog::spec::{ConcertSpec, PriceTier};
use domain::error::{Error, Result};
use domain::rules::refund_policy::RefundPolicy;
use domain::rules::sale::SaleWindow;
use domain::values::clock::Timestamp;
use domain::values::ids::{ConcertDate, ConcertId, SeatNumber};
use domain::values::money::Won;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpecBody {
    concert_id: Option<String>,
    title: String,
    venue: String,
    dates: Vec<DateBody>,
    price_tiers: Vec<TierBody>,
    seat_limit: Option<i64>,
    sale: SaleBody,
    admission: Option<AdmissionBody>,
    /// Optional; the standard schedule when absent (docs/openapi.json).
    refund_policy: Option<Value>,
    /// Optional: the card's picture, an https URL.
    image_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DateBody {
    date: String,
    seats: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TierBody {
    from_seat: i64,
    to_seat: i64,
    price: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SaleBody {
    pre_queue_at: Option<String>,
    opens_at: String,
    closes_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdmissionBody {
    pub admit_per_tick: Option<i64>,
    pub active_cap: Option<i64>,
    /// The proof of work a join costs, in bits (0: none).
    pub proof_of_work_bits: Option<i64>,
}

fn instant(name: &str, raw: &str) -> Result<Timestamp> {
    Timestamp::parse_rfc3339(raw).ok_or_else(|| Error::InvalidInput(format!("{name} must be an RFC 3339 time")))
}

fn small<T: TryFrom<i64>>(name: &str, v: i64) -> Result<T> {
    T::try_from(v).map_err(|_| Error::InvalidInput(format!("{name} is out of range")))
}

impl AdmissionBody {
    pub fn numbers(&self) -> Result<(Option<u32>, Option<u32>)> {
        Ok((
            self.admit_per_tick.map(|v| small("admitPerTick", v)).transpose()?,
            self.active_cap.map(|v| small("activeCap", v)).transpose()?,
        ))
    }

    pub fn join_work(&self) -> Result<Option<u8>> {
        self.proof_of_work_bits.map(|v| small("proofOfWorkBits", v)).transpose()
    }
}

impl SpecBody {
    /// The spec for concert `id` (the path's, on an edit; the body's may only repeat it).
    pub fn into_spec(self, id: Option<&str>) -> Result<ConcertSpec> {
        let id = match (id, self.concert_id.as_deref()) {
            (Some(path), Some(body)) if path != body => {
                return Err(Error::InvalidInput("concertId differs from the path".into()))
            }
            (Some(path), _) => path,
            (None, Some(body)) => body,
            (None, None) => return Err(Error::InvalidInput("concertId is required".into())),
        };
        let dates = self
            .dates
            .iter()
            .map(|d| Ok((ConcertDate::parse(&d.date)?, small::<u8>("seats", d.seats)?)))
            .collect::<Result<Vec<_>>>()?;
        let tiers = self
            .price_tiers
            .iter()
            .map(|t| {
                let seat = |n| SeatNumber::new(n).map_err(|_| Error::InvalidInput("a tier's seats are 1 to 50".into()));
                Ok(PriceTier {
                    from: seat(t.from_seat)?,
                    to: seat(t.to_seat)?,
                    price: Won::new(t.price).map_err(|_| Error::InvalidInput("a price cannot be negative".into()))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let opens_at = instant("opensAt", &self.sale.opens_at)?;
        let (admit_per_tick, active_cap) = match &self.admission {
            Some(a) => a.numbers()?,
            None => (None, None),
        };
        let join_work = self.admission.as_ref().map(AdmissionBody::join_work).transpose()?.flatten().unwrap_or(0);
        Ok(ConcertSpec {
            id: ConcertId::parse(id)?,
            title: self.title,
            venue: self.venue,
            dates,
            tiers,
            seat_limit: small("seatLimit", self.seat_limit.unwrap_or(i64::from(Concert::DEFAULT_SEAT_LIMIT)))?,
            sale: SaleWindow {
                prequeue_at: self
                    .sale
                    .pre_queue_at
                    .as_deref()
                    .map(|r| instant("preQueueAt", r))
                    .transpose()?
                    .unwrap_or(opens_at),
                opens_at,
                closes_at: instant("closesAt", &self.sale.closes_at)?,
            },
            admit_per_tick,
            active_cap,
            join_work,
            refund_policy: match &self.refund_policy {
                Some(v) => RefundPolicy::from_json(v)?,
                None => RefundPolicy::standard(),
            },
            image: self.image_url,
        })
    }
}

/// A concert as fans and operators see its sale.
pub fn concert_json(c: &Concert, now: Timestamp) -> Value {
    json!({
        "concertId": c.id.as_str(),
        "title": c.title,
        "venue": c.venue,
        "seatLimit": c.seat_limit,
        "proofOfWorkBits": c.control.join_work,
        "phase": c.phase_at(now).as_str(),
        "preQueueAt": c.sale.prequeue_at.to_rfc3339(),
        "opensAt": c.sale.opens_at.to_rfc3339(),
        "closesAt": c.sale.closes_at.to_rfc3339(),
        "refundPolicy": c.refund_policy.to_json(),
        "dates": c.summary.dates.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "prices": c.summary.prices.iter().map(|p| p.get()).collect::<Vec<_>>(),
        "imageUrl": c.summary.image,
    })
}

/// The operator's view: the concert, its controls and the live numbers.
pub fn numbers_json(n: &SaleNumbers, now: Timestamp) -> Value {
    let mut v = concert_json(&n.concert, now);
    v["version"] = json!(n.concert.version);
    v["priceTiers"] = n
        .tiers
        .iter()
        .map(|t| json!({ "fromSeat": t.from.get(), "toSeat": t.to.get(), "price": t.price.get() }))
        .collect();
    v["admission"] = json!({
        "paused": n.concert.control.paused,
        "admitPerTick": n.policy.admit_per_tick,
        "activeCap": n.policy.active_cap,
    });
    v["line"] = json!({
        "prequeued": n.prequeued,
        "cohort": n.cohort,
        "waiting": n.waiting,
        "admitted": n.admitted,
        "active": n.active,
    });
    v["refunds"] = json!({
        "count": n.refunds.count, "refunded": n.refunds.refunded.get(), "fees": n.refunds.fees.get(),
    });
    v["netRevenue"] = json!(n.net_revenue.get());
    v["checkIns"] = json!({
        "total": n.check_ins.iter().map(|(_, c)| c).sum::<u64>(),
        "gates": n.check_ins.iter().map(|(gate, count)| json!({ "gate": gate, "count": count })).collect::<Vec<_>>(),
    });
    v["perMinute"] = n
        .per_minute
        .iter()
        .map(|m| json!({ "minute": m.minute.to_rfc3339(), "joined": m.joined, "admitted": m.admitted }))
        .collect();
    v["dates"] = n
        .dates
        .iter()
        .map(|d| {
            json!({
                "date": d.date.to_string(), "totalSeats": d.total, "availableSeats": d.available,
                "heldSeats": d.held, "soldSeats": d.sold, "revenue": d.revenue.get(),
            })
        })
        .collect();
    v
}
