use domain::Invalid;
use i18n::Key;
use store::StoreError;

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Why a service call did not do what was asked. Every variant but `Store` and `Internal`
/// is the caller's to fix, and none of them leaves anything half-done.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Fields are wrong; each error names its field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed to do this here.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in (or the session ended).
    #[error("not signed in")]
    Unauthenticated,
    /// Refused for a reason the person should read, such as a failed sign-in.
    #[error("refused: {key:?}")]
    Refused {
        key: Key,
        args: Vec<(&'static str, Arg)>,
    },
    #[error("too many attempts")]
    RateLimited { retry_after_seconds: i64 },
    /// The thing changed under the caller (or a double submit arrived second).
    #[error("conflict")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Internal(String),
}

/// A value in a refusal's message: plain text, or a catalogue label shown in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Label(Key),
}

impl Arg {
    pub fn text(&self, t: &i18n::Tr) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Label(k) => t.get(*k).to_owned(),
        }
    }
}

impl ServiceError {
    pub fn refused(key: Key) -> Self {
        ServiceError::Refused {
            key,
            args: Vec::new(),
        }
    }

    pub fn invalid(field: &str, key: Key) -> Self {
        ServiceError::Invalid(Invalid(vec![domain::FieldError::new(field, key)]))
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        if e.is_duplicate() {
            ServiceError::Conflict
        } else {
            ServiceError::Store(e)
        }
    }
}
