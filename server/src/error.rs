//! HTTP errors: each variant maps to a status and a plain-language message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use samtal_shared::doc::{Invalid, SchemaError};
use samtal_shared::package::PackageError;
use samtal_shared::session::{Closed, ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("this link is not valid (it may have been replaced by a new one)")]
    InvalidLink,
    #[error("this workshop is closed; the link stopped working on {}", .0.until)]
    Expired(Closed),
    #[error("this link may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("only the administrator may do this")]
    NotAdmin,
    #[error(
        "creating workshops needs SAMTAL_ADMIN_TOKEN on this server: without it, only a server that is bound to and published on loopback accepts requests made directly on this computer"
    )]
    AdminClosed,
    #[error("requests from this origin are not allowed")]
    BadOrigin,
    #[error("too many connections to this workshop; try again in a minute")]
    TooManyConnections,
    #[error("this server already holds its maximum number of workshops")]
    TooManyWorkshops,
    /// Making records (Word, PDF) takes its turn; every turn is taken just now.
    #[error("the server is busy making other records; try again in a moment")]
    Busy,
    #[error("invalid request: {0}")]
    BadRequest(String),
    /// A workshop spec or edit that breaks a rule (the client says which in the user's
    /// language).
    #[error("invalid workshop: {0}")]
    Invalid(#[from] Invalid),
    /// A course package (or create request) that was refused, naming the field.
    #[error("invalid package: {0}")]
    Package(#[from] PackageError),
    #[error("storage error")]
    Storage(#[from] crate::storage::StorageError),
    #[error("internal error")]
    Internal(String),
    #[error("your account may not create workshops on this server")]
    MayNotCreate,
    #[error("only the server's operators may do this")]
    NotOperator,
    /// A request that needs a signed-in facilitator (a session cookie) came without one.
    #[error("sign in first")]
    NotSignedIn,
    #[error(transparent)]
    SignIn(#[from] crate::signin::SignInError),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::InvalidLink | AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Expired(_) => StatusCode::GONE,
            AppError::NotAdmin | AppError::AdminClosed => StatusCode::UNAUTHORIZED,
            AppError::BadOrigin => StatusCode::FORBIDDEN,
            AppError::TooManyConnections | AppError::TooManyWorkshops | AppError::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Package(PackageError::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest(_) | AppError::Invalid(_) | AppError::Package(_) => {
                StatusCode::BAD_REQUEST
            }
            AppError::Storage(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::NotSignedIn => StatusCode::UNAUTHORIZED,
            AppError::MayNotCreate | AppError::NotOperator => StatusCode::FORBIDDEN,
            AppError::SignIn(e) => match e {
                crate::signin::SignInError::Refused(_) => StatusCode::BAD_REQUEST,
                crate::signin::SignInError::Provider(_) => StatusCode::BAD_GATEWAY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

impl AppError {
    fn code(&self) -> ErrorCode {
        match self {
            AppError::InvalidLink => ErrorCode::InvalidLink,
            AppError::Expired(_) => ErrorCode::Expired,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::NotAdmin => ErrorCode::NotAdmin,
            AppError::AdminClosed => ErrorCode::AdminClosed,
            AppError::BadOrigin => ErrorCode::BadOrigin,
            AppError::TooManyConnections | AppError::Busy => ErrorCode::TooManyConnections,
            AppError::TooManyWorkshops => ErrorCode::TooManyWorkshops,
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Invalid(_) => ErrorCode::Invalid,
            AppError::Package(e) if e.invalid().is_some() => ErrorCode::Invalid,
            AppError::Package(_) => ErrorCode::BadRequest,
            AppError::Storage(_) | AppError::Internal(_) => ErrorCode::Server,
            AppError::NotSignedIn => ErrorCode::NotSignedIn,
            AppError::MayNotCreate => ErrorCode::MayNotCreate,
            AppError::NotOperator => ErrorCode::NotOperator,
            AppError::SignIn(_) => ErrorCode::SignInFailed,
        }
    }

    /// A spec the documents refused: the rule it broke, or (anything else) a bad request.
    pub fn from_schema(e: SchemaError) -> Self {
        match e {
            SchemaError::Invalid(why) => AppError::Invalid(why),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        } else if let AppError::SignIn(e) = &self {
            tracing::warn!(error = %e, "sign-in refused");
        }
        let body = ErrorBody {
            error: self.to_string(),
            code: self.code(),
            invalid: match &self {
                AppError::Invalid(why) => Some(*why),
                AppError::Package(e) => e.invalid(),
                _ => None,
            },
            field: match &self {
                AppError::Package(e) => e.field().map(str::to_owned),
                _ => None,
            },
            closed: match &self {
                AppError::Expired(c) => Some(c.clone()),
                _ => None,
            },
        };
        (status, axum::Json(body)).into_response()
    }
}
