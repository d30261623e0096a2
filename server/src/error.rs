//! HTTP errors: each variant maps to a status and a plain-language message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("this link is not valid (it may have been replaced by a new one)")]
    InvalidLink,
    #[error("this workshop is closed; the link stopped working on {0}")]
    Expired(String),
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
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("storage error")]
    Storage(#[from] crate::storage::StorageError),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::InvalidLink | AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Expired(_) => StatusCode::GONE,
            AppError::NotAdmin | AppError::AdminClosed => StatusCode::UNAUTHORIZED,
            AppError::BadOrigin => StatusCode::FORBIDDEN,
            AppError::TooManyConnections | AppError::TooManyWorkshops => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Storage(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let body = serde_json::json!({ "error": self.to_string() });
        (status, axum::Json(body)).into_response()
    }
}
