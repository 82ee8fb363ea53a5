//! The control plane (the hosted service's REST contract), embedded: session lifecycle, messages, intents and review,
//! callable in-process (`Service`) and over HTTP on 127.0.0.1 (`http`).

pub mod api_token;
mod checks;
mod error;
mod group_commit;
pub mod host_lock;
pub mod http;
pub mod idempotency;
mod limits;
mod manage;
mod messages;
pub mod openapi;
mod plans;
mod records;
mod replay;
mod retention;
mod review;
pub mod schemas;
mod service;
mod setup;
pub mod token;

pub use error::{ApiError, ErrorBody};
pub use manage::TaskInput;
pub use plans::GoalPlan;
pub use review::{CallView, SessionDetail};
pub use service::{Service, ServiceParts, MAX_MESSAGE_BYTES, MAX_USER_ID_CHARS};
