//! The institution's DingTalk and WeCom group robots: the office sets them up, and every
//! published notice is announced in the work groups of its unit and the units below it.
//!
//! A notice's fan-out writes one post per robot and queues a send job. The job sends the
//! robot's pending posts one message each while the robot's minute has room (20 messages,
//! counted from the database so that every node sees the same minute); what does not fit
//! waits until a slot frees and then goes as one digest. A worker takes its posts by a
//! claim (`sending`, with the instant reserved for the message), so two workers never post
//! the same notice, and a worker that stopped mid-send has its claims taken back later.
//!
//! The webhook address and the signing secret are the robot's credentials: they are never
//! shown back whole, never written to the audit log, and the gateway keeps them out of its
//! errors.

use super::parse_row;
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::{NoticePriority, NoticeStatus};
use domain::time::MINUTE_MS;
use domain::validate::Checks;
use domain::{FieldError, Permission, TenantId, Timestamp, UnitId, UnitPath};
use i18n::{Key, Lang, Tr};
use jobs::{Handler, Job, JobError, NewJob};
use notify::{
    ROBOT_MESSAGES_PER_MINUTE, RobotBudget, RobotConfig, RobotKind, RobotLabels, RobotMessage,
    Secret, SendError,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use store::notice_robots::{self as robots, PostRow, RobotRow};
use store::notices::NoticeRow;

pub const ROBOT_SEND: &str = "notice.robot_send";

/// A claim older than this belongs to a worker that stopped mid-send: an answer comes
/// within the gateway's 10 s timeout.
const CLAIM_STALE_MS: i64 = MINUTE_MS;
/// Titles in one digest: DingTalk's 5000 bytes of Markdown hold about this many with their
/// links; more go in a further digest.
const DIGEST_MAX: usize = 30;
/// DingTalk blocks a robot that went over its limit for ten minutes; asking sooner only
/// prolongs it.
const DINGTALK_BLOCK_MS: i64 = 10 * MINUTE_MS;
/// WeCom refuses until its minute has room again.
const WECOM_BLOCK_MS: i64 = MINUTE_MS;
/// Attempts at one post before it is given up, like the job queue's default.
const POST_ATTEMPTS: i64 = 8;
/// How much of the body a message carries; the whole notice is behind the link.
const EXCERPT_CHARS: usize = 300;
const NAME_MAX: usize = 60;
/// The error kept on a post whose notice was retracted before it went out.
const RETRACTED: &str = "retracted";

/// A robot as the office enters it.
#[derive(Clone, Debug, Default)]
pub struct NewRobot {
    /// `dingtalk` or `wecom`.
    pub kind: String,
    pub name: String,
    /// The unit's id, as a select sends it.
    pub unit: String,
    pub webhook: String,
    /// DingTalk's signing secret; empty for none.
    pub secret: String,
}

/// A robot in the office's list. The webhook and the secret are masked.
#[derive(Clone, Debug, Serialize)]
pub struct RobotView {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// All but the last 4 characters hidden.
    pub webhook: String,
    pub secret: Option<String>,
    pub active: bool,
    pub created_at: Timestamp,
    pub last_post: Option<RobotPostView>,
}

/// How far a notice got with one robot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RobotPostState {
    Pending,
    Sending,
    Sent,
    Failed,
    /// The notice was retracted before it went out.
    Skipped,
}

impl RobotPostState {
    fn of(post: &PostRow) -> RobotPostState {
        match post.status.as_str() {
            robots::SENT => RobotPostState::Sent,
            robots::SENDING => RobotPostState::Sending,
            robots::FAILED if post.last_error.as_deref() == Some(RETRACTED) => {
                RobotPostState::Skipped
            }
            robots::FAILED => RobotPostState::Failed,
            _ => RobotPostState::Pending,
        }
    }

    pub fn label(self) -> Key {
        match self {
            RobotPostState::Pending => Key::robots_state_pending,
            RobotPostState::Sending => Key::robots_state_sending,
            RobotPostState::Sent => Key::robots_state_sent,
            RobotPostState::Failed => Key::robots_state_failed,
            RobotPostState::Skipped => Key::robots_state_skipped,
        }
    }
}

/// The kinds of robot, as forms send them: `dingtalk`, `wecom`.
pub fn robot_kinds() -> Vec<&'static str> {
    RobotKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The name of a robot kind in the reader's language.
pub fn robot_kind_label(kind: &str) -> Key {
    match RobotKind::parse(kind) {
        Some(RobotKind::WeCom) => Key::robots_kind_wecom,
        _ => Key::robots_kind_dingtalk,
    }
}

/// One robot's post of a notice, for the notice's delivery panel.
#[derive(Clone, Debug, Serialize)]
pub struct RobotPostView {
    pub notice_id: i64,
    pub robot_name: String,
    pub kind: String,
    pub state: RobotPostState,
    /// The last failure; never holds the webhook or the secret.
    pub error: Option<String>,
    pub sent_at: Option<Timestamp>,
    /// How many notices the message carried: more than 1 for a digest.
    pub digest_of: i64,
    pub attempts: i64,
}

impl RobotPostView {
    fn new(post: PostRow, robot: Option<&RobotRow>) -> RobotPostView {
        let state = RobotPostState::of(&post);
        RobotPostView {
            notice_id: post.notice_id,
            robot_name: robot.map(|r| r.name.clone()).unwrap_or_default(),
            kind: robot.map(|r| r.kind.clone()).unwrap_or_default(),
            error: post.last_error.filter(|_| state != RobotPostState::Skipped),
            sent_at: post
                .sent_at
                .filter(|_| state == RobotPostState::Sent)
                .map(Timestamp),
            digest_of: post.digest_of,
            attempts: post.attempts,
            state,
        }
    }
}

/// A unit a robot may be attached to, for the form's select.
#[derive(Clone, Debug, Serialize)]
pub struct RobotUnit {
    pub id: i64,
    pub name: String,
    pub depth: usize,
}

/// `••••` and the last 4 characters: enough to tell two robots apart, not to use one.
fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("••••{tail}")
}

/// The words robots add to messages, from the catalogue. Groups read Chinese.
pub(crate) fn robot_labels() -> RobotLabels {
    let t = Tr::new(Lang::ZhCn);
    RobotLabels {
        urgent: t.get(NoticePriority::Urgent.label()).to_owned(),
        open: t.robots_msg_open().to_owned(),
        digest_title: t.robots_msg_digest_title().to_owned(),
    }
}

/// The robot's stored address and secret, checked again (they were checked when added).
fn config_of(robot: &RobotRow) -> Result<RobotConfig, String> {
    let kind =
        RobotKind::parse(&robot.kind).ok_or_else(|| format!("unknown kind {}", robot.kind))?;
    RobotConfig::new(
        kind,
        Secret::new(robot.webhook.clone()),
        robot.secret.clone().map(Secret::new),
    )
    // The problem texts never quote the address or the secret.
    .map_err(|e| e.to_string())
}

/// The gateway's field errors, named after the form's fields and in the reader's language.
fn config_error(kind: RobotKind, e: &notify::ConfigError) -> FieldError {
    if e.key == "robot.secret" {
        let key = match kind {
            RobotKind::DingTalk => Key::robots_err_secret_sec,
            RobotKind::WeCom => Key::robots_err_secret_wecom,
        };
        return FieldError::new("secret", key);
    }
    if e.problem == "is required" {
        return FieldError::new("webhook", Key::err_required);
    }
    let key = match kind {
        RobotKind::DingTalk => Key::robots_err_webhook_dingtalk,
        RobotKind::WeCom => Key::robots_err_webhook_wecom,
    };
    FieldError::new("webhook", key)
}

/// What came of one message to a robot.
enum Sent {
    /// Delivered; one slot of the minute used.
    Delivered,
    /// Another worker took the posts first: nothing sent.
    Taken,
    /// Another worker filled the minute meanwhile: nothing sent.
    Full,
    /// The robot refused for good; the posts are marked failed.
    Refused,
}

impl Notices {
    /// The units where `staff` looks after notices, institution-wide or over a subtree.
    fn robot_scopes(staff: &Staff) -> ServiceResult<Vec<UnitPath>> {
        let scopes: Vec<UnitPath> = staff
            .actor
            .scopes(Permission::ManageNotices)
            .into_iter()
            .cloned()
            .collect();
        if scopes.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        Ok(scopes)
    }

    /// The institution's units with their paths, by id.
    async fn unit_paths(
        &self,
        tenant: TenantId,
    ) -> ServiceResult<HashMap<i64, (UnitPath, String)>> {
        Ok(store::org::units(self.db(), tenant)
            .await?
            .into_iter()
            .map(|u| (u.id, (u.unit_path(), u.name)))
            .collect())
    }

    /// The robots over the units the office member looks after, with their last post.
    pub async fn robots(&self, staff: &Staff) -> ServiceResult<Vec<RobotView>> {
        let scopes = Self::robot_scopes(staff)?;
        let tenant = staff.actor.tenant_id;
        let units = self.unit_paths(tenant).await?;
        let mut out = Vec::new();
        for robot in robots::robots(self.db(), tenant).await? {
            let Some((path, unit_name)) = units.get(&robot.unit_id) else {
                continue;
            };
            if !scopes.iter().any(|s| path.is_within(s)) {
                continue;
            }
            let last_post = robots::last_post(self.db(), tenant, robot.id)
                .await?
                .map(|p| RobotPostView::new(p, Some(&robot)));
            out.push(RobotView {
                id: robot.id,
                webhook: masked(&robot.webhook),
                secret: robot.secret.as_deref().map(masked),
                kind: robot.kind,
                name: robot.name,
                unit_id: robot.unit_id,
                unit_name: unit_name.clone(),
                active: robot.active,
                created_at: Timestamp(robot.created_at),
                last_post,
            });
        }
        Ok(out)
    }

    /// The units a robot may be attached to by this office member, in tree order.
    pub async fn robot_units(&self, staff: &Staff) -> ServiceResult<Vec<RobotUnit>> {
        let scopes = Self::robot_scopes(staff)?;
        let mut units: Vec<_> = store::org::units(self.db(), staff.actor.tenant_id)
            .await?
            .into_iter()
            .filter(|u| scopes.iter().any(|s| u.unit_path().is_within(s)))
            .collect();
        units.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(units
            .into_iter()
            .map(|u| RobotUnit {
                id: u.id,
                depth: u.unit_path().depth(),
                name: u.name,
            })
            .collect())
    }

    /// Adds a robot for a unit the office member looks after. The audit log records the
    /// robot's name, kind and unit, never its address or secret.
    pub async fn add_robot(&self, staff: &Staff, new: NewRobot) -> ServiceResult<i64> {
        let scopes = Self::robot_scopes(staff)?;
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let name = checks.text("name", &new.name, NAME_MAX);
        let kind = checks.present("kind", RobotKind::parse(new.kind.trim()), Key::err_choice);
        let unit = match new.unit.trim().parse::<i64>() {
            Ok(id) => store::org::find_unit(self.db(), tenant, UnitId(id)).await?,
            Err(_) => None,
        };
        let unit = match unit {
            Some(u) if scopes.iter().any(|s| u.unit_path().is_within(s)) => Some(u),
            Some(_) => {
                checks.push(FieldError::new("unit", Key::robots_err_unit));
                None
            }
            None => {
                checks.push(FieldError::new("unit", Key::err_choice));
                None
            }
        };
        let config = kind.and_then(|kind| {
            let secret = Some(Secret::new(new.secret.clone()));
            match RobotConfig::new(kind, Secret::new(new.webhook.clone()), secret) {
                Ok(config) => Some(config),
                Err(e) => {
                    checks.push(config_error(kind, &e));
                    None
                }
            }
        });
        checks.finish()?;
        let (Some(config), Some(unit)) = (config, unit) else {
            return Err(ServiceError::Internal(
                "robot checked without a value".into(),
            ));
        };
        let now = self.now();
        let tx = self.db().begin().await?;
        let id = robots::insert_robot(
            &tx,
            tenant,
            robots::NewRobot {
                unit: unit.id,
                kind: config.kind().as_str(),
                name: &name,
                webhook: config.webhook().expose(),
                secret: config.secret().map(Secret::expose),
            },
            now,
        )
        .await?;
        let recorded = serde_json::json!({
            "name": name,
            "kind": config.kind().as_str(),
            "unit": unit.id,
            "signed": config.secret().is_some(),
        });
        self.audit(
            &tx,
            staff,
            "notice_robot.add",
            "notice_robot",
            id,
            None,
            Some(recorded),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stops or resumes a robot. A stopped robot's waiting posts stay waiting and go out
    /// when it is resumed.
    pub async fn set_robot_active(
        &self,
        staff: &Staff,
        id: i64,
        active: bool,
    ) -> ServiceResult<()> {
        let scopes = Self::robot_scopes(staff)?;
        let tenant = staff.actor.tenant_id;
        let robot = robots::robot(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let units = self.unit_paths(tenant).await?;
        let within = units
            .get(&robot.unit_id)
            .is_some_and(|(path, _)| scopes.iter().any(|s| path.is_within(s)));
        if !within {
            return Err(ServiceError::NotFound);
        }
        if robot.active == active {
            return Ok(());
        }
        let now = self.now();
        let tx = self.db().begin().await?;
        robots::set_robot_active(&tx, tenant, id, active).await?;
        let action = if active {
            "notice_robot.activate"
        } else {
            "notice_robot.deactivate"
        };
        let state = |a: bool| Some(serde_json::json!({ "name": robot.name, "active": a }));
        self.audit(
            &tx,
            staff,
            action,
            "notice_robot",
            id,
            state(robot.active),
            state(active),
        )
        .await?;
        if active {
            let job = NewJob::new(ROBOT_SEND, serde_json::json!({ "robot": id }))
                .tenant(tenant)
                .dedupe(format!("robot-send:{id}:resumed:{}", now.0));
            self.queue().enqueue(&tx, job).await?;
        }
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// How a notice went out to the robots: for its author and the office over its unit;
    /// anyone else who may see the notice gets an empty list.
    pub async fn notice_robot_posts(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<Vec<RobotPostView>> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !super::is_office(staff, &row) {
            return Ok(Vec::new());
        }
        let tenant = staff.actor.tenant_id;
        let robot_rows: HashMap<i64, RobotRow> = robots::robots(self.db(), tenant)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        Ok(robots::posts_of_notice(self.db(), tenant, id)
            .await?
            .into_iter()
            .map(|p| {
                let robot = robot_rows.get(&p.robot_id);
                RobotPostView::new(p, robot)
            })
            .collect())
    }

    /// Queues a published notice for every active robot of its unit and the units below,
    /// once per robot however often the fan-out runs.
    pub(crate) async fn queue_robot_posts(
        &self,
        tenant: TenantId,
        row: &NoticeRow,
    ) -> ServiceResult<()> {
        let notice_unit = UnitPath::from_stored(row.unit_path.clone());
        let units = self.unit_paths(tenant).await?;
        let already: HashSet<i64> = robots::posts_of_notice(self.db(), tenant, row.id)
            .await?
            .into_iter()
            .map(|p| p.robot_id)
            .collect();
        let due: Vec<RobotRow> = robots::robots(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|r| r.active && !already.contains(&r.id))
            .filter(|r| {
                units
                    .get(&r.unit_id)
                    .is_some_and(|(path, _)| path.is_within(&notice_unit))
            })
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let tx = self.db().begin().await?;
        for robot in &due {
            robots::insert_post(&tx, tenant, robot.id, row.id, now).await?;
            let job = NewJob::new(ROBOT_SEND, serde_json::json!({ "robot": robot.id }))
                .tenant(tenant)
                .dedupe(format!("robot-send:{}:notice:{}", robot.id, row.id));
            self.queue().enqueue(&tx, job).await?;
        }
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// Sends what waits for one robot, within its minute. `overflow`: this run was put off
    /// because the minute was full, so what waits goes as digests.
    async fn send_robot_posts(
        &self,
        tenant: TenantId,
        robot_id: i64,
        overflow: bool,
        job: &Job,
    ) -> Result<(), JobError> {
        let db = self.db();
        let Some(robot) = robots::robot(db, tenant, robot_id).await? else {
            return Err(JobError::Fatal(format!("robot {robot_id} is gone")));
        };
        if !robot.active {
            return Ok(());
        }
        let now = self.now();
        robots::release_stale_claims(db, robot.id, now.minus_ms(CLAIM_STALE_MS)).await?;
        // A claim of a worker that may still be sending: look again once it is stale, so
        // that a worker which stopped mid-send loses nothing.
        if let Some(claimed_at) = robots::oldest_claim(db, robot.id).await? {
            let at = Timestamp(claimed_at).plus_ms(CLAIM_STALE_MS);
            self.send_robot_later(tenant, robot.id, at, overflow)
                .await
                .map_err(retry)?;
        }
        let pending = robots::pending_posts(db, tenant, robot.id).await?;
        if pending.is_empty() {
            return Ok(());
        }
        let config = match config_of(&robot) {
            Ok(config) => config,
            Err(problem) => {
                let ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
                robots::mark_failed(db, &ids, &problem, true).await?;
                return Err(JobError::Fatal(problem));
            }
        };
        let (pending, retracted) = self.published_only(tenant, pending).await.map_err(retry)?;
        if !retracted.is_empty() {
            robots::mark_failed(db, &retracted, RETRACTED, true).await?;
        }
        let mut room = self.room(robot.id, now).await.map_err(retry)?;
        let mut waiting = pending.into_iter().peekable();
        while room > 0 && waiting.peek().is_some() {
            // A burst's overflow goes as digests; otherwise one message per notice.
            let take = if overflow { DIGEST_MAX } else { 1 };
            let posts: Vec<(PostRow, NoticeRow)> = waiting.by_ref().take(take).collect();
            match self.send_one(&robot, &config, &posts, job).await {
                Ok(Sent::Delivered) => room -= 1,
                Ok(Sent::Refused | Sent::Taken) => {}
                Ok(Sent::Full) => room = 0,
                Err(SendOutcome::Retry(e)) => return Err(JobError::Retry(e)),
                Err(SendOutcome::Blocked(until)) => {
                    return self
                        .send_robot_later(tenant, robot.id, until, true)
                        .await
                        .map_err(retry);
                }
            }
        }
        // The minute is full and posts still wait: once a slot frees, they go as a digest.
        if waiting.peek().is_some() {
            let at = self.next_free(robot.id, self.now()).await.map_err(retry)?;
            self.send_robot_later(tenant, robot.id, at, true)
                .await
                .map_err(retry)?;
        }
        Ok(())
    }

    /// The posts whose notice is still published, with it; and the ids of the others.
    async fn published_only(
        &self,
        tenant: TenantId,
        posts: Vec<PostRow>,
    ) -> ServiceResult<(Vec<(PostRow, NoticeRow)>, Vec<i64>)> {
        let mut keep = Vec::with_capacity(posts.len());
        let mut dropped = Vec::new();
        for post in posts {
            let row = store::notices::find(self.db(), tenant, post.notice_id).await?;
            match row {
                Some(row) if parse_row(&row)?.status == NoticeStatus::Published => {
                    keep.push((post, row));
                }
                _ => dropped.push(post.id),
            }
        }
        Ok((keep, dropped))
    }

    /// Messages the robot may still take this minute, counted over every node's sends.
    async fn room(&self, robot: i64, now: Timestamp) -> ServiceResult<i64> {
        let used = robots::sent_messages_since(self.db(), robot, window_start(now)).await?;
        Ok((ROBOT_MESSAGES_PER_MINUTE as i64 - used).max(0))
    }

    /// When the robot's minute next has room, from the sends in the database.
    async fn next_free(&self, robot: i64, now: Timestamp) -> ServiceResult<Timestamp> {
        let instants = robots::sent_instants_since(self.db(), robot, window_start(now)).await?;
        let mut budget = RobotBudget::new();
        for t in instants {
            // Replays the minute; each instant is one message.
            budget.try_take(t);
        }
        Ok(Timestamp(budget.next_free(now.0)))
    }

    /// Sends one message for `posts` (a digest when several), claiming them first.
    async fn send_one(
        &self,
        robot: &RobotRow,
        config: &RobotConfig,
        posts: &[(PostRow, NoticeRow)],
        job: &Job,
    ) -> Result<Sent, SendOutcome> {
        let db = self.db();
        let now = self.now();
        // Each message gets an instant of its own, so counting distinct instants counts
        // messages even when two go out within one millisecond.
        let last = robots::last_sent_at(db, robot.id).await?;
        let instant = Timestamp(last.map_or(now.0, |t| now.0.max(t + 1)));
        let ids: Vec<i64> = posts.iter().map(|(p, _)| p.id).collect();
        let claimed = robots::claim_posts(db, &ids, instant).await?;
        if claimed.is_empty() {
            return Ok(Sent::Taken);
        }
        // Another node may have claimed a slot at the same moment: whoever finds the
        // minute over its limit gives its claim back.
        let used = robots::sent_messages_since(db, robot.id, window_start(now)).await?;
        if used > ROBOT_MESSAGES_PER_MINUTE as i64 {
            robots::release_claimed(db, &claimed, None, false).await?;
            return Ok(Sent::Full);
        }
        let messages: Vec<RobotMessage> = posts
            .iter()
            .filter(|(p, _)| claimed.contains(&p.id))
            .map(|(_, n)| self.robot_message(n))
            .collect();
        let message = match messages.as_slice() {
            [one] => one.clone(),
            many => notify::digest(many, self.0.robots.labels()),
        };
        match self.0.robots.post(config, &message, now.0).await {
            Ok(()) => {
                robots::finish_claimed(db, &claimed).await?;
                Ok(Sent::Delivered)
            }
            Err(SendError::Permanent(e)) => {
                robots::release_claimed(db, &claimed, Some(&e), true).await?;
                Ok(Sent::Refused)
            }
            Err(SendError::Transient(e)) => {
                if let Some(wait) = blocked_for(config.kind(), &e) {
                    // Over the limit by the robot's own count: no failure, only a wait.
                    robots::release_claimed(db, &claimed, None, false).await?;
                    return Err(SendOutcome::Blocked(now.plus_ms(wait)));
                }
                let worn_out = posts
                    .iter()
                    .filter(|(p, _)| claimed.contains(&p.id))
                    .any(|(p, _)| p.attempts + 1 >= POST_ATTEMPTS);
                let give_up = job.is_last_attempt() || worn_out;
                robots::release_claimed(db, &claimed, Some(&e), give_up).await?;
                Err(SendOutcome::Retry(e))
            }
        }
    }

    /// The group's message for a notice: its title, the start of its body, the link back
    /// (reading is recorded there), marked urgent by its priority, mentioning nobody.
    fn robot_message(&self, row: &NoticeRow) -> RobotMessage {
        let urgent = NoticePriority::parse(&row.priority) == Some(NoticePriority::Urgent);
        let mut text: String = row.body.trim().chars().take(EXCERPT_CHARS).collect();
        if row.body.trim().chars().count() > EXCERPT_CHARS {
            text.push('…');
        }
        RobotMessage {
            title: row.title.clone(),
            text,
            url: self.notice_link(row.id, Some("robot")),
            urgent,
            mention_mobiles: Vec::new(),
        }
    }

    /// Puts the robot's next run off until `at`; runs put off to the same instant are one.
    /// `overflow`: what waits then goes as digests.
    async fn send_robot_later(
        &self,
        tenant: TenantId,
        robot: i64,
        at: Timestamp,
        overflow: bool,
    ) -> ServiceResult<()> {
        let job = NewJob::new(
            ROBOT_SEND,
            serde_json::json!({ "robot": robot, "overflow": overflow }),
        )
        .tenant(tenant)
        .dedupe(format!("robot-send:{robot}:at:{}", at.0))
        .at(at);
        self.queue().enqueue(self.db(), job).await?;
        Ok(())
    }
}

/// Why a message did not go out, beyond a refusal.
enum SendOutcome {
    /// Worth trying again after the job queue's backoff.
    Retry(String),
    /// The robot is over its limit by its own count; try again at this time.
    Blocked(Timestamp),
}

impl From<store::StoreError> for SendOutcome {
    fn from(e: store::StoreError) -> Self {
        SendOutcome::Retry(e.to_string())
    }
}

impl From<ServiceError> for SendOutcome {
    fn from(e: ServiceError) -> Self {
        SendOutcome::Retry(e.to_string())
    }
}

fn retry(e: ServiceError) -> JobError {
    JobError::Retry(e.to_string())
}

/// The first instant of the sliding minute that ends at `now`.
fn window_start(now: Timestamp) -> Timestamp {
    now.minus_ms(RobotBudget::WINDOW_MS - 1)
}

/// How long a robot that answered "over the limit" must be left alone: DingTalk blocks it
/// for ten minutes (errcode 130101 or 410100), WeCom (45009) for the rest of its minute.
fn blocked_for(kind: RobotKind, error: &str) -> Option<i64> {
    let code = error
        .split("errcode ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse::<i64>().ok());
    match (kind, code) {
        (RobotKind::DingTalk, Some(130101 | 410100)) => Some(DINGTALK_BLOCK_MS),
        (RobotKind::WeCom, Some(45009)) => Some(WECOM_BLOCK_MS),
        _ if error.contains("answered 429") => Some(WECOM_BLOCK_MS),
        _ => None,
    }
}

/// Sends a robot's waiting posts.
pub(crate) struct RobotSend(pub Notices);

#[async_trait::async_trait]
impl Handler for RobotSend {
    fn kind(&self) -> &'static str {
        ROBOT_SEND
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let robot = job.payload["robot"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("payload without a robot id".into()))?;
        let tenant = job
            .tenant
            .ok_or_else(|| JobError::Fatal("robot send without a tenant".into()))?;
        let overflow = job.payload["overflow"].as_bool().unwrap_or(false);
        self.0.send_robot_posts(tenant, robot, overflow, job).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_only_the_last_four_characters() {
        assert_eq!(masked("SEC0123456789abcd"), "••••abcd");
        assert_eq!(masked("abc"), "••••abc");
        assert_eq!(masked("文化服务台机器人"), "••••台机器人");
    }

    #[test]
    fn the_robots_own_limit_errors_are_told_apart() {
        let dingtalk = "the DingTalk robot refused the message: errcode 130101 (send too fast)";
        assert_eq!(
            blocked_for(RobotKind::DingTalk, dingtalk),
            Some(DINGTALK_BLOCK_MS)
        );
        let wecom = "the WeCom robot refused the message: errcode 45009 (api freq out of limit)";
        assert_eq!(blocked_for(RobotKind::WeCom, wecom), Some(WECOM_BLOCK_MS));
        let down = "the DingTalk robot answered 500 Internal Server Error: oops";
        assert_eq!(blocked_for(RobotKind::DingTalk, down), None);
        assert_eq!(blocked_for(RobotKind::DingTalk, "errcode -1 (busy)"), None);
    }
}
