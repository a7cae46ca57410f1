//! Who is calling. API Gateway's JWT authorizer (Cognito by default, any OIDC issuer by
//! parameter) verifies the `Authorization` header before a function runs and passes the
//! verified claims in the request context; the local gateway does exactly the same. This
//! is the one place that reads them: no handler takes a user from the path or the body.

use std::collections::HashMap;

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use domain::error::Error;
use domain::values::ids::UserId;

/// The Cognito group (or the `role` claim of another issuer) that operator routes require.
pub const OPERATOR_GROUP: &str = "operators";

/// The Cognito group (or `role` claim) of the staff who scan tickets at the gates.
pub const STAFF_GROUP: &str = "staff";

/// The verified caller of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user: UserId,
    pub operator: bool,
    /// May check tickets in at a gate.
    pub staff: bool,
}

impl Caller {
    /// Read from the authorizer's claims: `sub` is the user; a `sub` that is not a UUID
    /// (another OIDC issuer) is mapped to one, stably, from the issuer and the subject.
    pub fn from_claims(claims: &HashMap<String, String>) -> Result<Self, Error> {
        let sub = claims.get("sub").map(|s| s.trim()).filter(|s| !s.is_empty()).ok_or(Error::AuthInvalid)?;
        let user = match UserId::parse(sub) {
            Ok(u) => u,
            Err(_) => {
                let issuer = claims.get("iss").map_or("", String::as_str);
                UserId::from_subject(issuer, sub)
            }
        };
        // A member of the Cognito group, or (another issuer) the role's own claim.
        let is = |group: &str, role: &str| {
            claims.get("cognito:groups").is_some_and(|g| groups(g).any(|g| g == group))
                || claims.get("role").is_some_and(|r| r == role)
        };
        Ok(Self { user, operator: is(OPERATOR_GROUP, "operator"), staff: is(STAFF_GROUP, "staff") })
    }

    /// Paths that name a user (`/users/{userId}/...`) serve only that user.
    pub fn must_be(&self, user: UserId) -> Result<(), Error> {
        if self.user == user {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn must_be_operator(&self) -> Result<(), Error> {
        if self.operator {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn must_be_staff(&self) -> Result<(), Error> {
        if self.staff {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

/// API Gateway passes an array claim as "[a b c]" (Cognito groups); accept a JSON-ish
/// "a,b" too.
fn groups(raw: &str) -> impl Iterator<Item = &str> {
    raw.trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|g| g.trim_matches('"'))
        .filter(|g| !g.is_empty())
}

/// The caller of `req`, from the JWT authorizer's claims in its request context.
pub fn caller(req: &Request) -> Result<Caller, Error> {
    let claims = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => {
            ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).map(|jwt| &jwt.claims)
        }
        _ => None,
    };
    Caller::from_claims(claims.ok_or(Error::AuthMissing)?)
}

#[cfg(test)]
mod tests;
