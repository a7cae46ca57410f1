//! Builds the services once per cold start: settings from the environment, one SDK
//! client per service (endpoints from the standard `AWS_ENDPOINT_URL_*` variables, so the
//! same binary talks to AWS, LocalStack or moto), the DynamoDB and SQS adapters.

use std::sync::Arc;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;

use crate::config::Settings;
use adapters::dynamo::{
    DynamoCatalog, DynamoDoor, DynamoHolds, DynamoPayments, DynamoQueue, DynamoRefunds, DynamoWallet, Tables,
};
use adapters::sqs::SqsQueue;
use domain::booking::hold::HoldService;
use domain::booking::payment::PaymentService;
use domain::booking::refund::RefundService;
use domain::catalog::browse::CatalogService;
use domain::catalog::operator::OperatorService;
use domain::catalog::venues::VenueService;
use domain::door::gate::GateService;
use domain::door::tickets::TicketService;
use domain::door::transfer::TransferService;
use domain::error::Result;
use domain::line::admission::Admitter;
use domain::line::service::QueueService;
use domain::values::clock::{Clock, SystemClock};
use domain::wallet::balance::WalletService;

pub struct Services {
    pub settings: Settings,
    pub queue: Arc<QueueService>,
    pub admitter: Arc<Admitter>,
    pub catalog: CatalogService,
    pub holds: HoldService,
    pub wallet: WalletService,
    pub payments: Arc<PaymentService>,
    pub refunds: RefundService,
    pub operator: OperatorService,
    pub venues: VenueService,
    pub gate: GateService,
    pub tickets: TicketService,
    pub transfers: TransferService,
    pub catalog_store: Arc<DynamoCatalog>,
}

impl Services {
    pub async fn from_env() -> Result<Self> {
        Ok(Self::connect(Settings::from_env()?, Arc::new(SystemClock)).await)
    }

    /// SDK clients from the environment (endpoints, region, credentials), with timeouts.
    pub async fn connect(settings: Settings, clock: Arc<dyn Clock>) -> Self {
        Self::connect_as(settings, clock, None).await
    }

    /// As `connect`, but signed as the local principal of function `binary` (the access key
    /// `fn-<binary>`), so that the local DynamoDB and SQS hold its calls to exactly the
    /// policy template.yaml gives that function, as IAM does on AWS (scripts/provision.py
    /// hands them the policies). `None`: the environment's credentials (a Lambda's role).
    pub async fn connect_as(settings: Settings, clock: Arc<dyn Clock>, function: Option<&str>) -> Self {
        let aws = aws_config::load_from_env().await;
        let mut dynamo =
            aws_sdk_dynamodb::config::Builder::from(&aws).timeout_config(timeouts(settings.dynamodb_timeout));
        let mut sqs = aws_sdk_sqs::config::Builder::from(&aws).timeout_config(timeouts(settings.dynamodb_timeout));
        if let Some(binary) = function {
            let credentials =
                aws_sdk_dynamodb::config::Credentials::new(local_access_key(binary), "local", None, None, "local-iam");
            dynamo = dynamo.credentials_provider(credentials.clone());
            sqs = sqs.credentials_provider(credentials);
        }
        let dynamo = aws_sdk_dynamodb::Client::from_conf(dynamo.build());
        let sqs = aws_sdk_sqs::Client::from_conf(sqs.build());
        Self::build(settings, dynamo, sqs, clock)
    }

    pub fn build(
        settings: Settings,
        dynamo: aws_sdk_dynamodb::Client,
        sqs: aws_sdk_sqs::Client,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let tables = Tables::new(dynamo, settings.resources.clone());
        let catalog_store = Arc::new(DynamoCatalog::new(tables.clone()));
        let line = Arc::new(DynamoQueue::new(tables.clone()));
        let queue = Arc::new(
            QueueService::new(
                line.clone(),
                catalog_store.clone(),
                clock.clone(),
                settings.queue,
                settings.admission_key.clone(),
            )
            .accepting_previous_key(settings.admission_key_previous.clone())
            .glancing_for(settings.glance),
        );
        let hold_expiry = Arc::new(SqsQueue::new(sqs.clone(), settings.resources.hold_expiry_queue_url.clone()));
        let events = Arc::new(SqsQueue::new(sqs, settings.resources.payment_events_queue_url.clone()));
        let payment_store = Arc::new(DynamoPayments::new(tables.clone()));
        let payments = Arc::new(PaymentService::new(queue.clone(), payment_store.clone(), events, clock.clone()));
        let reservations = Arc::new(DynamoHolds::new(tables.clone()));
        let door = Arc::new(DynamoDoor::new(tables.clone()));
        let wallets = Arc::new(DynamoWallet::new(tables.clone()));
        Self {
            gate: GateService::new(reservations.clone(), door.clone(), settings.ticket_key.clone(), clock.clone()),
            tickets: TicketService::new(
                payment_store.clone(),
                reservations.clone(),
                door.clone(),
                settings.ticket_key.clone(),
            ),
            transfers: TransferService::new(
                reservations.clone(),
                door.clone(),
                catalog_store.clone(),
                wallets.clone(),
                clock.clone(),
                settings.transfer_closes_before,
            ),
            refunds: RefundService::new(
                Arc::new(DynamoRefunds::new(tables.clone())),
                catalog_store.clone(),
                payment_store,
                clock.clone(),
                settings.wallet,
            ),
            catalog: CatalogService::new(catalog_store.clone(), clock.clone()).glancing_for(settings.glance),
            operator: OperatorService::new(
                catalog_store.clone(),
                line.clone(),
                Arc::new(DynamoRefunds::new(tables.clone())),
                door.clone(),
                clock.clone(),
                settings.queue,
            ),
            holds: HoldService::new(
                catalog_store.clone(),
                reservations,
                hold_expiry,
                clock.clone(),
                settings.hold_for,
                settings.queue.idle_for,
            )
            .glancing_for(settings.glance),
            wallet: WalletService::new(wallets, settings.wallet, clock.clone()),
            payments,
            venues: VenueService::new(catalog_store.clone()),
            admitter: Arc::new(Admitter::new(line.clone(), catalog_store.clone(), clock.clone(), settings.queue)),
            queue,
            catalog_store,
            settings,
        }
    }
}

/// The access key that names function `binary` to the local stack's IAM check.
pub fn local_access_key(binary: &str) -> String {
    format!("fn-{binary}")
}

/// A slow database is an answer, not a hang: each attempt gets half the budget (so the SDK
/// can retry once after a stalled attempt), the whole call including retries the budget.
pub fn timeouts(budget: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1).min(budget))
        .operation_attempt_timeout(budget / 2)
        .operation_timeout(budget)
        .build()
}

/// Structured logs: JSON in Lambda, plain text elsewhere; `RUST_LOG` filters.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let result = if std::env::var("AWS_LAMBDA_FUNCTION_NAME").is_ok() {
        builder.json().without_time().try_init()
    } else {
        builder.try_init()
    };
    // Already initialised (e.g. the local gateway hosts several functions): keep the first.
    let _ = result;
}

/// The `main` of an HTTP Lambda: build the services once per cold start, then hand every
/// request to `$handler(&Services, Request) -> Response`.
#[macro_export]
macro_rules! http_lambda_main {
    ($handler:path) => {
        #[tokio::main]
        async fn main() -> Result<(), lambda_http::Error> {
            $crate::wiring::init_tracing();
            let services = std::sync::Arc::new($crate::wiring::Services::from_env().await?);
            lambda_http::run(lambda_http::service_fn(move |req: lambda_http::Request| {
                let services = services.clone();
                async move { Ok::<_, std::convert::Infallible>($handler(&services, req).await) }
            }))
            .await
        }
    };
}
