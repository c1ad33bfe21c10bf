//! Table and column names for sea-query, so a misspelt column is a compile error.
//! Each enum mirrors one table of the migrations.

use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub enum Tenants {
    Table,
    Id,
    Code,
    Name,
    Host,
    Timezone,
    Settings,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum OrgUnits {
    Table,
    Id,
    TenantId,
    ParentId,
    Kind,
    Name,
    Path,
    SortOrder,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Departments {
    Table,
    Id,
    TenantId,
    UnitId,
    Kind,
    Name,
    HeadUserId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    TenantId,
    Username,
    DisplayName,
    Email,
    Mobile,
    PasswordHash,
    MustChangePassword,
    PlatformAdmin,
    Active,
    Locale,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum RoleGrants {
    Table,
    Id,
    TenantId,
    UserId,
    Role,
    UnitId,
    DepartmentId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Members {
    Table,
    Id,
    TenantId,
    Mobile,
    Nickname,
    CreatedAt,
    LastLoginAt,
    DeletedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Sessions {
    Table,
    Id,
    TenantId,
    UserId,
    MemberId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(Iden, Clone, Copy)]
pub enum SmsCodes {
    Table,
    Id,
    TenantId,
    Mobile,
    CodeHash,
    Attempts,
    CreatedAt,
    ExpiresAt,
    ConsumedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Outbox {
    Table,
    Id,
    TenantId,
    Channel,
    Recipient,
    Subject,
    Body,
    Status,
    Attempts,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AuditLog {
    Table,
    Id,
    TenantId,
    ActorUserId,
    ActorName,
    Action,
    EntityType,
    EntityId,
    BeforeJson,
    AfterJson,
    Ip,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum RateLimits {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[derive(Iden, Clone, Copy)]
pub enum Jobs {
    Table,
    Id,
    TenantId,
    Kind,
    Payload,
    DedupeKey,
    Status,
    RunAt,
    Attempts,
    MaxAttempts,
    LockedBy,
    LockedUntil,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ServerKeys {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Categories {
    Table,
    Id,
    TenantId,
    Code,
    Name,
    NameEn,
    SortOrder,
    Active,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Feedback {
    Table,
    Id,
    TenantId,
    TrackingNo,
    SubmissionKey,
    Channel,
    Kind,
    Category,
    SuggestedCategory,
    SuggestedKind,
    NeedsTriage,
    UrgentReason,
    Analysis,
    UnitId,
    StationId,
    UnitPath,
    DepartmentId,
    AssigneeId,
    Status,
    ResumeStatus,
    Priority,
    Lang,
    Body,
    PublicBody,
    MemberId,
    ContactName,
    ContactMobile,
    ContactEmail,
    ContactVerified,
    DisplayName,
    Publish,
    Moderation,
    SupportCount,
    ReceivedAt,
    FirstResponseDue,
    ResolutionDue,
    FirstRespondedAt,
    AnsweredAt,
    ClosedAt,
    PausedAt,
    Rating,
    RatedAt,
    Adopted,
    MergedInto,
    ReopenCount,
    EnteredBy,
    Ip,
    AnonymisedAt,
    CreatedAt,
    UpdatedAt,
    Version,
    /// The words of the text and public answers, space-separated (0004_search).
    SearchText,
}

#[derive(Iden, Clone, Copy)]
pub enum FeedbackEvents {
    Table,
    Id,
    TenantId,
    FeedbackId,
    Kind,
    FromStatus,
    ToStatus,
    Public,
    Body,
    Data,
    ActorUserId,
    ActorName,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum FeedbackSupports {
    Table,
    TenantId,
    FeedbackId,
    MemberId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum FeedbackPhotos {
    Table,
    Id,
    TenantId,
    FeedbackId,
    ContentType,
    Width,
    Height,
    Bytes,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum RoutingRules {
    Table,
    Id,
    TenantId,
    Category,
    Kind,
    UnitId,
    DepartmentId,
    SortOrder,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum DeadlinePolicies {
    Table,
    Id,
    TenantId,
    Kind,
    Priority,
    FirstResponseMinutes,
    ResolutionMinutes,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum CalendarDays {
    Table,
    TenantId,
    Day,
    Kind,
    Name,
}

#[derive(Iden, Clone, Copy)]
pub enum AnswerTemplates {
    Table,
    Id,
    TenantId,
    Category,
    Title,
    Body,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum SensitiveWords {
    Table,
    Id,
    TenantId,
    Word,
    Category,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Counters {
    Table,
    TenantId,
    Name,
    Value,
}

#[derive(Iden, Clone, Copy)]
pub enum FeedbackFigures {
    Table,
    TenantId,
    StationId,
    ComputedAt,
    Figures,
}

#[derive(Iden, Clone, Copy)]
pub enum TextCorrections {
    Table,
    Id,
    TenantId,
    FeedbackId,
    Field,
    Label,
    Text,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum TextWords {
    Table,
    TenantId,
    Word,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum SignInThrottles {
    Table,
    Gate,
    Attempts,
    BlockedUntil,
    LastAt,
}

#[derive(Iden, Clone, Copy)]
pub enum StaffDevices {
    Table,
    UserId,
    DeviceHash,
    LastSignInAt,
}
