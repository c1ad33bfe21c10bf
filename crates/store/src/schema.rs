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
    FailedLogins,
    LockedUntil,
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
