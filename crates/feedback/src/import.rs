//! Importing feedback received offline from a spreadsheet: XLSX, or CSV in UTF-8 (with or
//! without a byte-order mark), UTF-16 ("Unicode text") or GBK/GB18030 as Chinese Excel saves it.
//!
//! All or nothing: every row is checked first, with the same checks as one item typed in
//! by hand, and a file with any bad row is refused with a report naming each problem by
//! the row number the spreadsheet shows (the header is row 1) and the column's header
//! text. Only a clean file is written, in one transaction, so a clerk who fixes the
//! reported rows and uploads again never gets half a file twice. The same file uploaded
//! again after it went in is refused: each row carries a submission key made from the
//! file's hash and its row number.

use super::intake::{Intake, NewItem, Source, check_fields};
use crate::{Feedback, ServiceError, ServiceResult, Staff};
use domain::feedback::{Channel, FeedbackKind};
use domain::{FieldError, Invalid, Permission, Timestamp, UnitPath};
use export::read::{ReadError, Sheet};
use i18n::{Key, Lang, Tr};
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Rows below the header a file may have.
pub const IMPORT_MAX_ROWS: usize = 5000;
/// Bytes a file may have.
pub const IMPORT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// More problems than this are summed up, not listed: the first ones show what is wrong.
const MAX_LISTED: usize = 200;
/// Filled cells one row may have; anything wider is not one of our sheets.
const MAX_CELLS_PER_ROW: usize = 64;

/// The columns an import understands; their order in a file is free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Kind,
    Category,
    Unit,
    Channel,
    Received,
    Text,
    Name,
    Mobile,
    Email,
}

impl Column {
    const ALL: [Column; 9] = [
        Column::Kind,
        Column::Category,
        Column::Unit,
        Column::Channel,
        Column::Received,
        Column::Text,
        Column::Name,
        Column::Mobile,
        Column::Email,
    ];

    /// The header names it answers to; the first is the one the template uses.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Kind => &["类型", "反馈类型", "type", "kind"],
            Column::Category => &["分类", "类别", "category"],
            Column::Unit => &["网点", "服务网点", "单位", "unit"],
            Column::Channel => &["渠道", "来源", "channel"],
            Column::Received => &[
                "收到日期",
                "日期",
                "收到时间",
                "received",
                "received_on",
                "date",
            ],
            Column::Text => &["内容", "反馈内容", "意见内容", "text", "content"],
            Column::Name => &["姓名", "联系人", "name", "contact_name"],
            Column::Mobile => &["手机", "手机号", "手机号码", "mobile"],
            Column::Email => &["邮箱", "电子邮箱", "email", "e-mail"],
        }
    }

    fn header(self) -> &'static str {
        self.names()[0]
    }

    /// The field of [`Intake`] this column fills, as intake's checks name it.
    fn field(self) -> &'static str {
        match self {
            Column::Kind => "kind",
            Column::Category => "category",
            Column::Unit => "unit",
            Column::Channel => "channel",
            Column::Received => "received_on",
            Column::Text => "text",
            Column::Name => "contact_name",
            Column::Mobile => "mobile",
            Column::Email => "email",
        }
    }

    /// Header text as people type it: spaces, a `*` for "required", any case.
    fn from_header(text: &str) -> Option<Column> {
        let key: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
            .collect::<String>()
            .to_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.names().iter().any(|n| *n == key))
    }
}

/// The columns a file must have.
const REQUIRED: [Column; 2] = [Column::Kind, Column::Text];

/// The header row of the template offered for download, in the order it offers them.
pub fn import_template_headers() -> Vec<&'static str> {
    Column::ALL.iter().map(|c| c.header()).collect()
}

/// Each column's Chinese header with the English one accepted for it: `("手机", "mobile")`.
pub fn import_columns() -> Vec<(&'static str, &'static str)> {
    Column::ALL
        .iter()
        .map(|c| {
            let english = c.names().iter().find(|n| n.is_ascii()).copied();
            (c.header(), english.unwrap_or_default())
        })
        .collect()
}

/// What an import did.
#[derive(Clone, Debug, Serialize)]
pub struct Imported {
    pub count: usize,
    /// Held for review because of a sensitive word.
    pub held: usize,
    /// Sent straight to a department by a routing rule.
    pub routed: usize,
    pub first_tracking_no: Option<String>,
    pub last_tracking_no: Option<String>,
}

/// Where an import problem is: the row (as the spreadsheet numbers it) and the column's
/// header text, or neither for a problem with the whole file (field `file`).
pub fn import_problem_place(e: &FieldError) -> (Option<String>, Option<String>) {
    let arg = |name: &str| {
        e.args
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    (arg("row"), arg("column"))
}

/// One row that passed its checks.
struct Row {
    number: usize,
    checked: super::intake::Checked,
    channel: Channel,
    received: Timestamp,
}

impl Feedback {
    /// Imports every row of an XLSX or CSV file as feedback received offline, or nothing.
    /// Problems come back as field errors named `rows[7].手机` (or `file`) whose `row` and
    /// `column` arguments say where ([`import_problem_place`]).
    pub async fn import_feedback(
        &self,
        staff: &Staff,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<Imported> {
        if !staff.actor.can_somewhere(Permission::TriageFeedback) {
            return Err(ServiceError::Forbidden);
        }
        if bytes.is_empty() {
            return Err(file_error(Key::import_err_no_file));
        }
        if bytes.len() > IMPORT_MAX_BYTES {
            return Err(ServiceError::Invalid(Invalid(vec![
                FieldError::new("file", Key::import_err_too_large)
                    .with("max", IMPORT_MAX_BYTES / 1024 / 1024),
            ])));
        }
        let tenant = staff.actor.tenant_id;
        let hash = hex::encode(Sha256::digest(&bytes))[..16].to_owned();
        // Unzipping and parsing a large file is seconds of CPU: keep it off the async threads.
        let sheet = tokio::task::spawn_blocking(move || read_sheet(&bytes))
            .await
            .map_err(|e| ServiceError::Internal(format!("reading the file: {e}")))?
            .map_err(|e| ServiceError::Invalid(Invalid(vec![e])))?;

        let columns = header_columns(&sheet)?;
        if sheet.rows.is_empty() {
            return Err(file_error(Key::import_err_empty));
        }
        let key = |row: usize| format!("import:{hash}:{row}");
        if let Some((first, _)) = sheet.rows.first()
            && let Some(earlier) =
                store::feedback::find_by_submission_key(self.db(), tenant, &key(*first)).await?
        {
            return Err(ServiceError::Invalid(Invalid(vec![
                FieldError::new("file", Key::import_err_already)
                    .with("tracking_no", earlier.tracking_no),
            ])));
        }

        let institution = self.institution(tenant).await?;
        let setup = self.feedback_setup(tenant).await?;
        let units = store::org::units(self.db(), tenant).await?;
        let now = self.now();
        let reader = RowReader {
            staff,
            setup: &setup,
            units: &units,
            scopes: staff.actor.scopes(Permission::TriageFeedback),
            tz: &institution.timezone,
            now,
        };
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for (number, cells) in &sheet.rows {
            match reader.read(*number, cells, &columns) {
                Ok(row) => rows.push(row),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if !problems.is_empty() {
            if problems.len() > MAX_LISTED {
                let more = problems.len() - MAX_LISTED;
                problems.truncate(MAX_LISTED);
                problems.push(FieldError::new("file", Key::import_err_more).with("n", more));
            }
            return Err(ServiceError::Invalid(Invalid(problems)));
        }

        // Numbers are reserved before the transaction: the counter must not wait on it.
        let mut numbers = Vec::with_capacity(rows.len());
        for row in &rows {
            let year = row.received.in_zone(&institution.timezone).year();
            numbers.push(
                self.next_tracking_number(tenant, &institution.code, year)
                    .await?,
            );
        }
        let mut imported = Imported {
            count: rows.len(),
            held: 0,
            routed: 0,
            first_tracking_no: numbers.first().cloned(),
            last_tracking_no: numbers.last().cloned(),
        };
        let mut analyses = Vec::with_capacity(rows.len());
        for row in &rows {
            analyses.push(self.analyse(tenant, &setup, &row.checked.text).await?);
        }
        let tx = self.db().begin().await?;
        for ((row, tracking_no), analysis) in rows.iter().zip(numbers).zip(&analyses) {
            let source = Source {
                channel: row.channel,
                member: None,
                staff: Some(staff),
                ip: None,
                lang: Lang::ZhCn,
                received_at: Some(row.received),
            };
            let submission_key = key(row.number);
            let new = NewItem {
                setup: &setup,
                checked: &row.checked,
                source: &source,
                submission_key: Some(&submission_key),
                tracking_no,
                audit: false,
                analysis,
            };
            let done = self.insert_item(&tx, tenant, new, Vec::new()).await?;
            imported.held += usize::from(done.held);
            imported.routed += usize::from(done.status == domain::feedback::Status::Assigned);
        }
        let after = serde_json::json!({
            "file": file_name,
            "format": sheet.format,
            "encoding": sheet.encoding,
            "rows": imported.count,
            "held": imported.held,
            "routed": imported.routed,
            "first": imported.first_tracking_no,
            "last": imported.last_tracking_no,
        });
        self.audit(
            &tx,
            staff,
            "feedback.imported",
            "feedback_import",
            &hash,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(imported)
    }
}

fn file_error(key: Key) -> ServiceError {
    ServiceError::invalid("file", key)
}

/// A problem at a row and column, as the report shows it.
fn at(row: usize, column: &str, key: Key) -> FieldError {
    FieldError::new(format!("rows[{row}].{column}"), key)
        .with("row", row)
        .with("column", column)
}

/// Which column index holds which field; every header cell must be one we know, once.
fn header_columns(sheet: &Sheet) -> ServiceResult<Vec<(usize, Column, String)>> {
    let mut columns: Vec<(usize, Column, String)> = Vec::new();
    let mut problems = Vec::new();
    let row = sheet.header_row;
    for (index, text) in &sheet.header {
        let text = text.trim();
        match Column::from_header(text) {
            Some(c) if columns.iter().any(|(_, k, _)| *k == c) => {
                problems.push(at(row, text, Key::import_err_duplicate_column));
            }
            Some(c) => columns.push((*index, c, text.to_owned())),
            None => problems.push(at(row, text, Key::import_err_unknown_column)),
        }
    }
    for needed in REQUIRED {
        if !columns.iter().any(|(_, c, _)| *c == needed) {
            problems.push(at(row, needed.header(), Key::import_err_missing_column));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(ServiceError::Invalid(Invalid(problems)))
    }
}

/// Checks rows against the institution as it is now.
struct RowReader<'a> {
    staff: &'a Staff,
    setup: &'a super::Setup,
    units: &'a [store::org::UnitRow],
    scopes: Vec<&'a UnitPath>,
    tz: &'a jiff::tz::TimeZone,
    now: Timestamp,
}

impl RowReader<'_> {
    fn read(
        &self,
        number: usize,
        cells: &[(usize, String)],
        columns: &[(usize, Column, String)],
    ) -> Result<Row, Vec<FieldError>> {
        let value = |wanted: Column| -> &str {
            columns
                .iter()
                .find(|(_, c, _)| *c == wanted)
                .and_then(|(index, _, _)| cells.iter().find(|(i, _)| i == index))
                .map_or("", |(_, v)| v.trim())
        };
        let header = |wanted: Column| -> String {
            columns
                .iter()
                .find(|(_, c, _)| *c == wanted)
                .map_or_else(|| wanted.header().to_owned(), |(_, _, h)| h.clone())
        };
        let mut problems = Vec::new();
        let mut problem =
            |column: Column, key: Key| problems.push(at(number, &header(column), key));

        // What a person wrote is read into codes here; a value that cannot be read is
        // reported here, and a harmless stand-in goes on to the common checks so the same
        // cell is not reported twice.
        let kind = match value(Column::Kind) {
            "" => {
                problem(Column::Kind, Key::err_required);
                None
            }
            written => {
                let found = read_kind(written);
                if found.is_none() {
                    problem(Column::Kind, Key::import_err_kind);
                }
                found
            }
        };
        let category = match value(Column::Category) {
            "" => None,
            written => {
                let found = self.read_category(written);
                if found.is_none() {
                    problem(Column::Category, Key::import_err_category);
                }
                found
            }
        };
        let unit = match value(Column::Unit) {
            "" => {
                let root = self.units.iter().find(|u| u.parent_id.is_none());
                if root.is_some_and(|u| !self.in_scope(u)) {
                    problem(Column::Unit, Key::err_required);
                }
                None
            }
            written => match self.read_unit(written) {
                Ok(unit) => Some(unit.to_string()),
                Err(key) => {
                    problem(Column::Unit, key);
                    None
                }
            },
        };
        let channel = match value(Column::Channel) {
            "" => Some(Channel::Import),
            written => {
                let found = read_channel(written);
                if found.is_none() {
                    problem(Column::Channel, Key::import_err_channel);
                }
                found
            }
        };
        let received = match value(Column::Received) {
            "" => Some(self.now),
            written => {
                let found = read_date(written)
                    .and_then(|d| d.to_zoned(self.tz.clone()).ok())
                    .map(|z| Timestamp(z.timestamp().as_millisecond()))
                    .filter(|t| *t <= self.now);
                if found.is_none() {
                    problem(Column::Received, Key::err_date);
                }
                found
            }
        };
        let optional = |c: Column| Some(value(c).to_owned()).filter(|v| !v.is_empty());
        let intake = Intake {
            text: value(Column::Text).to_owned(),
            kind: kind.map_or("request", FeedbackKind::as_str).to_owned(),
            category,
            unit,
            contact_name: optional(Column::Name),
            mobile: optional(Column::Mobile),
            email: optional(Column::Email),
            display_name: None,
            submission_key: None,
        };
        let source = Source {
            channel: channel.unwrap_or(Channel::Import),
            member: None,
            staff: Some(self.staff),
            ip: None,
            lang: Lang::ZhCn,
            received_at: received,
        };
        let checked = match check_fields(self.setup, self.units, &intake, &source) {
            Ok(checked) => Some(checked),
            Err(ServiceError::Invalid(Invalid(errors))) => {
                for e in errors {
                    let column = Column::ALL.into_iter().find(|c| c.field() == e.field);
                    let mut moved = at(number, &column.map_or(e.field.clone(), header), e.key);
                    moved.args.extend(e.args);
                    problems.push(moved);
                }
                None
            }
            Err(_) => None,
        };
        match (checked, channel, received) {
            (Some(checked), Some(channel), Some(received)) if problems.is_empty() => Ok(Row {
                number,
                checked,
                channel,
                received,
            }),
            _ => Err(problems),
        }
    }

    fn in_scope(&self, unit: &store::org::UnitRow) -> bool {
        let path = unit.unit_path();
        self.scopes.iter().any(|s| path.is_within(s))
    }

    /// A unit by its name in the organisation tree.
    fn read_unit(&self, written: &str) -> Result<i64, Key> {
        let mut named = self.units.iter().filter(|u| u.name.trim() == written);
        let Some(unit) = named.next() else {
            return Err(Key::import_err_unit);
        };
        if named.next().is_some() {
            return Err(Key::import_err_unit_ambiguous);
        }
        if !self.in_scope(unit) {
            return Err(Key::import_err_unit_scope);
        }
        Ok(unit.id)
    }

    /// A category by its code or its name in either language.
    fn read_category(&self, written: &str) -> Option<String> {
        self.setup
            .categories
            .iter()
            .filter(|c| c.active)
            .find(|c| {
                c.code.eq_ignore_ascii_case(written)
                    || c.name == written
                    || c.name_en.eq_ignore_ascii_case(written)
            })
            .map(|c| c.code.clone())
    }
}

/// Both languages' words for a code, to read what people type.
fn labels(key: Key) -> [&'static str; 2] {
    [Tr::new(Lang::ZhCn).get(key), Tr::new(Lang::En).get(key)]
}

fn read_kind(written: &str) -> Option<FeedbackKind> {
    FeedbackKind::ALL.iter().copied().find(|k| {
        k.as_str().eq_ignore_ascii_case(written)
            || labels(k.label())
                .iter()
                .any(|l| l.eq_ignore_ascii_case(written))
    })
}

fn read_channel(written: &str) -> Option<Channel> {
    Channel::OFFLINE
        .iter()
        .copied()
        .chain([Channel::Import])
        .find(|c| {
            c.as_str().eq_ignore_ascii_case(written)
                || labels(c.label())
                    .iter()
                    .any(|l| l.eq_ignore_ascii_case(written))
        })
}

/// `2026-11-20`, `2026/11/20`, `2026.11.20`, `2026年11月20日`, or a date with a time after it.
fn read_date(written: &str) -> Option<Date> {
    let day = written.trim().split(['T', ' ']).next()?;
    let day = day.strip_suffix('日').unwrap_or(day);
    let parts: Vec<&str> = day.split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let year: i16 = year.parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    Date::new(year, month.parse().ok()?, day.parse().ok()?).ok()
}

// ---- Reading the file -----------------------------------------------------------------------

/// The file's cells, through the `export` crate's reader, with its problems in the clerk's
/// words.
fn read_sheet(bytes: &[u8]) -> Result<Sheet, FieldError> {
    let limits = export::read::Limits {
        rows: IMPORT_MAX_ROWS,
        cells_per_row: MAX_CELLS_PER_ROW,
    };
    export::read::sheet(bytes, limits).map_err(|e| match e {
        ReadError::OldXls => FieldError::new("file", Key::import_err_xls),
        ReadError::Empty => FieldError::new("file", Key::import_err_empty),
        ReadError::TooManyRows => too_many(),
        ReadError::TooWide => FieldError::new("file", Key::import_err_unreadable),
        ReadError::Unreadable(detail) => {
            FieldError::new("file", Key::import_err_unreadable).with("detail", detail)
        }
    })
}

fn too_many() -> FieldError {
    FieldError::new("file", Key::import_err_too_many).with("max", IMPORT_MAX_ROWS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_in_either_language_as_people_type_them() {
        assert_eq!(Column::from_header(" 手机 "), Some(Column::Mobile));
        assert_eq!(Column::from_header("内容*"), Some(Column::Text));
        assert_eq!(Column::from_header("Mobile"), Some(Column::Mobile));
        assert_eq!(Column::from_header("Received"), Some(Column::Received));
        assert_eq!(Column::from_header("天气"), None);
    }

    #[test]
    fn dates_are_read_as_people_write_them() {
        let day = jiff::civil::date(2026, 11, 20);
        for written in [
            "2026-11-20",
            "2026/11/20",
            "2026.11.20",
            "2026年11月20日",
            "2026-11-20 00:00:00",
            "2026-11-20T08:00:00",
        ] {
            assert_eq!(read_date(written), Some(day), "{written}");
        }
        for wrong in ["20/11/2026", "2026-02-30", "昨天", "45981"] {
            assert_eq!(read_date(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn kinds_and_channels_are_read_from_words_or_codes() {
        assert_eq!(read_kind("投诉"), Some(FeedbackKind::Complaint));
        assert_eq!(read_kind("Complaint"), Some(FeedbackKind::Complaint));
        assert_eq!(read_kind("complaint"), Some(FeedbackKind::Complaint));
        assert_eq!(read_kind("抱怨"), None);
        assert_eq!(read_channel("意见箱"), Some(Channel::SuggestionBox));
        assert_eq!(read_channel("phone"), Some(Channel::Phone));
        assert_eq!(
            read_channel("网站"),
            None,
            "online channels are not entered by hand"
        );
    }
}
