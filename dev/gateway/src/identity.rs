//! The local stand-in for the identity layer in front of the functions: Cognito's part
//! (issuing RS256 access tokens, publishing the JWKS) and API Gateway's JWT authorizer's part
//! (verifying `Authorization: Bearer <JWT>` and handing the claims to the function in
//! `requestContext.authorizer.jwt.claims`, every claim flattened to a string).
//!
//! Verification follows the authorizer's published rules, not a generic JWT library's
//! defaults: the header's `kid` picks a key of the JWKS, and that key alone fixes the
//! algorithm; `iss` must equal the issuer; `aud` (or, only when there is no `aud`,
//! `client_id`) must name the audience; `exp` must be in the future; `nbf` and `iat`, when
//! present, must not be. The handlers then see exactly what they see on AWS.
//!
//! The signing key is made by `scripts/local-aws.sh start` (never committed) and named by
//! `DEV_JWT_KEY_FILE`; `DEV_JWT_ISSUER` and `DEV_JWT_AUDIENCE` play the authorizer's
//! configured issuer and audience.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use domain::values::clock::{Clock, SystemClock, Timestamp};
use domain::values::ids::UserId;
use domain::Error;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription, ApiGatewayV2httpRequestContext,
};
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use serde_json::{json, Map, Value};

pub const KEY_FILE_VAR: &str = "DEV_JWT_KEY_FILE";
pub const ISSUER_VAR: &str = "DEV_JWT_ISSUER";
pub const AUDIENCE_VAR: &str = "DEV_JWT_AUDIENCE";

/// The Cognito group whose members are operators (API.md, "Identity").
pub use edge::identity::OPERATOR_GROUP as OPERATORS_GROUP;

/// Clock skew forgiven on `nbf` and `iat` (never on `exp`): a token minted by this very
/// process is valid at once, one from a clock slightly ahead is not refused for it.
const SKEW: Duration = Duration::from_secs(5);

/// Cognito signs with RS256; so does the local issuer.
const ALGORITHM: Algorithm = Algorithm::RS256;

/// The local issuer and authorizer: one RSA key pair, its JWKS, the expected `iss` and `aud`.
pub struct DevIdentity {
    issuer: String,
    audience: String,
    kid: String,
    signing_key: EncodingKey,
    jwks: JwkSet,
    /// Built from `jwks`, never from the private key: what an authorizer that fetched the
    /// JWKS over HTTP would hold.
    verifying_keys: Vec<VerifyingKey>,
}

struct VerifyingKey {
    kid: String,
    key: DecodingKey,
    /// The key's own `alg`: the token's header may only repeat it.
    validation: Validation,
}

impl std::fmt::Debug for DevIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevIdentity")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl DevIdentity {
    /// From `DEV_JWT_KEY_FILE` (a PEM RSA private key), `DEV_JWT_ISSUER`, `DEV_JWT_AUDIENCE`,
    /// as `scripts/local-aws.sh start` writes them to `DIR/env`.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| {
            std::env::var(name).ok().filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                format!("{name} is not set: source the env file that `scripts/local-aws.sh start DIR` writes")
            })
        };
        let key_file = var(KEY_FILE_VAR)?;
        let pem = std::fs::read(&key_file).map_err(|e| format!("{KEY_FILE_VAR}={key_file}: {e}"))?;
        Self::new(&pem, var(ISSUER_VAR)?, var(AUDIENCE_VAR)?).map_err(|e| format!("{KEY_FILE_VAR}={key_file}: {e}"))
    }

    /// `pem`: an RSA private key (PKCS#1 `BEGIN RSA PRIVATE KEY`, or PKCS#8).
    pub fn new(pem: &[u8], issuer: impl Into<String>, audience: impl Into<String>) -> Result<Self, String> {
        let signing_key =
            EncodingKey::from_rsa_pem(pem).map_err(|e| format!("not an RSA private key in PEM form: {e}"))?;
        let mut jwk = Jwk::from_encoding_key(&signing_key, ALGORITHM)
            .map_err(|e| format!("not a usable RSA private key: {e}"))?;
        // RFC 7638 thumbprint: the same key keeps the same kid across restarts.
        let kid = jwk.thumbprint(ThumbprintHash::SHA256);
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        let jwks = JwkSet { keys: vec![jwk] };
        let verifying_keys = jwks.keys.iter().map(VerifyingKey::from_jwk).collect::<Result<_, _>>()?;
        let identity =
            Self { issuer: issuer.into(), audience: audience.into(), kid, signing_key, jwks, verifying_keys };
        // Sign once now, so `mint` cannot fail later (e.g. a key too short for aws-lc).
        identity.try_mint(UserId::random(), &[], Duration::from_secs(60), SystemClock.now())?;
        Ok(identity)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// An access token for `user`, as Cognito would issue it, valid for `ttl` from now;
    /// operators carry `cognito:groups: ["operators"]`. Also returns when it expires.
    pub fn mint(&self, user: UserId, operator: bool, ttl: Duration) -> (String, Timestamp) {
        self.mint_in(user, if operator { &[OPERATORS_GROUP] } else { &[] }, ttl)
    }

    /// As `mint`, for a member of these Cognito groups (`staff` scans tickets at the gates).
    pub fn mint_in(&self, user: UserId, groups: &[&str], ttl: Duration) -> (String, Timestamp) {
        self.mint_at(user, groups, ttl, SystemClock.now())
    }

    fn mint_at(&self, user: UserId, groups: &[&str], ttl: Duration, now: Timestamp) -> (String, Timestamp) {
        self.try_mint(user, groups, ttl, now).expect("signing with a key that DevIdentity::new has signed with")
    }

    fn try_mint(
        &self,
        user: UserId,
        groups: &[&str],
        ttl: Duration,
        now: Timestamp,
    ) -> Result<(String, Timestamp), String> {
        // JWT times are whole seconds; expiresAt is reported as exactly the token's `exp`.
        let issued = now.millis().div_euclid(1000);
        let expires = issued.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let mut claims = json!({
            "sub": user.to_string(),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued,
            "nbf": issued,
            "exp": expires,
            "token_use": "access",
        });
        if !groups.is_empty() {
            claims["cognito:groups"] = json!(groups);
        }
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.signing_key).map_err(|e| format!("signing: {e}"))?;
        Ok((token, Timestamp::from_millis(expires.saturating_mul(1000))))
    }

    /// The public half, as `GET /.well-known/jwks.json` serves it.
    pub fn jwks(&self) -> Value {
        serde_json::to_value(&self.jwks).unwrap_or_else(|_| json!({ "keys": [] }))
    }

    /// What API Gateway's JWT authorizer does with the `Authorization` header: no header, or
    /// not `Bearer <token>`, is `AuthMissing`; a token that fails any check is `AuthInvalid`.
    /// A good token's claims come back as the authorizer passes them on: every value a string.
    pub fn verify(&self, authorization: Option<&str>) -> Result<HashMap<String, String>, Error> {
        self.verify_at(authorization, SystemClock.now())
    }

    fn verify_at(&self, authorization: Option<&str>, now: Timestamp) -> Result<HashMap<String, String>, Error> {
        let token = authorization.and_then(bearer_token).ok_or(Error::AuthMissing)?;
        match self.check(token, now) {
            Ok(claims) => Ok(claims.iter().map(|(k, v)| (k.clone(), claim_text(v))).collect()),
            Err(reason) => {
                tracing::info!(reason, "token refused");
                Err(Error::AuthInvalid)
            }
        }
    }

    /// The claims of a token that passes every check, or why it does not.
    fn check(&self, token: &str, now: Timestamp) -> Result<Map<String, Value>, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| format!("unreadable token: {e}"))?;
        let kid = header.kid.as_deref().ok_or("no kid in the header")?;
        let key = self.verifying_keys.iter().find(|k| k.kid == kid).ok_or("kid not in the JWKS")?;
        // Signature and algorithm only; every claim is checked below, by the authorizer's rules.
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &key.validation)
            .map_err(|e| format!("signature: {e}"))?
            .claims;

        if claims.get("iss").and_then(Value::as_str) != Some(self.issuer.as_str()) {
            return Err("wrong or missing iss".into());
        }
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => *aud == self.audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(self.audience.as_str())),
            Some(_) => false,
            // Cognito access tokens name the app client in `client_id` instead of `aud`.
            None => claims.get("client_id").and_then(Value::as_str) == Some(self.audience.as_str()),
        };
        if !audience_ok {
            return Err("wrong or missing aud".into());
        }
        let now_ms = now.millis();
        let skew_ms = i64::try_from(SKEW.as_millis()).unwrap_or(0);
        match claims.get("exp").map(epoch_millis) {
            Some(Some(exp)) if now_ms < exp => {}
            Some(Some(_)) => return Err("expired".into()),
            _ => return Err("no numeric exp".into()),
        }
        for claim in ["nbf", "iat"] {
            match claims.get(claim).map(epoch_millis) {
                None => {}
                Some(Some(t)) if t <= now_ms + skew_ms => {}
                Some(Some(_)) => return Err(format!("{claim} is in the future")),
                Some(None) => return Err(format!("{claim} is not a number")),
            }
        }
        match claims.get("sub").and_then(Value::as_str) {
            Some(sub) if !sub.is_empty() => Ok(claims),
            _ => Err("no sub".into()),
        }
    }
}

impl VerifyingKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, String> {
        let kid = jwk.common.key_id.clone().ok_or("a JWK without kid")?;
        let alg = jwk.common.key_algorithm.ok_or("a JWK without alg")?;
        let alg = Algorithm::from_str(&alg.to_string()).map_err(|e| format!("JWK alg {alg}: {e}"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("JWK {kid}: {e}"))?;
        let mut validation = Validation::new(alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        Ok(Self { kid, key, validation })
    }
}

/// The token of `Bearer <token>` (scheme case-insensitive, RFC 6750), or None if malformed.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim_start();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace))
        .then_some(token)
}

/// A NumericDate (seconds since the epoch, possibly fractional) in milliseconds.
fn epoch_millis(v: &Value) -> Option<i64> {
    match v.as_i64() {
        Some(s) => s.checked_mul(1000),
        // Out-of-range floats saturate, which is harmless for a comparison.
        None => v.as_f64().filter(|f| f.is_finite()).map(|f| (f * 1000.0) as i64),
    }
}

/// A claim as the authorizer flattens it: strings as they are, numbers as their JSON text,
/// arrays as `[a b c]` (so `cognito:groups` arrives as `"[operators admins]"`). That array
/// form is Go's `fmt` rendering, so objects get Go's too (`map[k:v ...]`, keys sorted) and
/// null becomes empty; neither is expected in the tokens this service accepts.
fn claim_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(claim_text).collect::<Vec<_>>().join(" ")),
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().map(|(k, v)| format!("{k}:{}", claim_text(v))).collect();
            entries.sort();
            format!("map[{}]", entries.join(" "))
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The request as the function receives it behind the authorizer: an HTTP API (v2) request
/// context whose `authorizer.jwt.claims` are `claims`.
pub fn with_claims(req: lambda_http::Request, claims: HashMap<String, String>) -> lambda_http::Request {
    with_context(req, Some(claims))
}

/// The request as the function receives it from API Gateway: always with an HTTP API
/// request context; with an authorizer only on a route that has one (`claims` Some).
pub(crate) fn with_context(req: lambda_http::Request, claims: Option<HashMap<String, String>>) -> lambda_http::Request {
    let mut ctx = ApiGatewayV2httpRequestContext::default();
    ctx.stage = Some("$default".into());
    ctx.time_epoch = SystemClock.now().millis();
    ctx.http.method = req.method().clone();
    ctx.http.path = Some(req.uri().path().to_owned());
    ctx.http.protocol = Some(format!("{:?}", req.version()));
    ctx.http.source_ip = Some("127.0.0.1".into());
    ctx.authorizer = claims.map(|claims| {
        let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
        jwt.claims = claims;
        let mut authorizer = ApiGatewayRequestAuthorizer::default();
        authorizer.jwt = Some(jwt);
        authorizer
    });
    req.with_request_context(RequestContext::ApiGatewayV2(ctx))
}

#[cfg(test)]
pub(crate) mod tests;
