//! Files CultureDesk writes for offices and for the public: spreadsheets, calendars and feeds.
//!
//! Spreadsheets for Chinese offices:
//!
//! CSV starts with a UTF-8 byte-order mark: without it, Excel on a Chinese Windows reads
//! the file as GBK and shows garbage. Cells that a spreadsheet would run as a formula are
//! defused, so a submitter cannot plant `=HYPERLINK(…)` in staff's exports.
//!
//! XLSX has real dates (sortable and filterable in Excel), a frozen header row, columns as
//! wide as their content, and a font that has Chinese glyphs on every office PC.
//!
//! Reading the sheets people send (XLSX, and CSV in the encodings Chinese Excel writes) is
//! [`read`]: one crate reads and writes spreadsheets.
//!
//! The public activity calendar goes out as an iCalendar subscription ([`calendar`]), with
//! stable UIDs, Beijing times and cancellations that calendar apps follow, and as an Atom
//! feed ([`feed`]) with ids that survive a change of title. Both take plain input types, so
//! this crate stays independent of the domain.

pub mod calendar;
pub mod feed;
pub mod read;

use std::borrow::Cow;

/// A table to export: a header row and data rows of the same width.
///
/// Rows are plain strings by default; use [`Cell`] for typed values (dates, numbers).
pub struct Table<C = String> {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<C>>,
}

/// One typed value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A wall-clock time where the institution is (already in its zone): a real date in XLSX.
    DateTime(jiff::civil::DateTime),
    Empty,
}

impl Cell {
    /// The instant `millis` (UTC milliseconds) as the clock on the wall in `tz` shows it.
    pub fn instant(millis: i64, tz: &jiff::tz::TimeZone) -> Cell {
        match jiff::Timestamp::from_millisecond(millis) {
            Ok(t) => Cell::DateTime(t.to_zoned(tz.clone()).datetime()),
            Err(_) => Cell::Empty,
        }
    }

    /// How the value reads as text (CSV, and for measuring column widths).
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::DateTime(dt) => Cow::Owned(dt.strftime("%Y-%m-%d %H:%M").to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// What a table's rows may hold: plain strings or typed cells.
pub trait AsCell {
    fn as_cell(&self) -> Cow<'_, Cell>;
}

impl AsCell for String {
    fn as_cell(&self) -> Cow<'_, Cell> {
        Cow::Owned(Cell::Text(self.clone()))
    }
}

impl AsCell for Cell {
    fn as_cell(&self) -> Cow<'_, Cell> {
        Cow::Borrowed(self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table as CSV with a UTF-8 BOM and CRLF line ends.
pub fn csv<C: AsCell>(table: &Table<C>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(table.headers.iter().map(|h| defuse(h).into_owned()));
    for row in &table.rows {
        let _ = writer.write_record(
            row.iter()
                .map(|cell| defuse(&cell.as_cell().text()).into_owned()),
        );
    }
    writer.into_inner().unwrap_or_default()
}

/// The font Office itself uses for Chinese since 2016 (等线); older Excel falls back to
/// 宋体, which every Chinese Windows has.
const FONT: &str = "等线";
/// Column widths in characters, where a Chinese character counts two.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;
/// Widths are measured on the first rows only: enough to be sensible, cheap on big exports.
const MEASURE_ROWS: usize = 200;

/// The table as an Excel workbook of one sheet.
pub fn xlsx<C: AsCell>(table: &Table<C>) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

    let mut workbook = Workbook::new();
    let base = Format::new().set_font_name(FONT).set_font_size(11);
    workbook.set_default_format(&base, 20, 64)?;
    let header = base.clone().set_bold().set_background_color("F2F2F2");
    let text = base.clone().set_align(FormatAlign::Top).set_text_wrap();
    // Excel keeps a quote-prefixed cell as text even after it is edited, so a planted
    // `=HYPERLINK(…)` never becomes a formula; the text itself stays as the submitter wrote it.
    let defused = text.clone().set_quote_prefix();
    let date = base
        .clone()
        .set_align(FormatAlign::Top)
        .set_num_format("yyyy-mm-dd hh:mm");
    let number = base.clone().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    let mut widths: Vec<usize> = table.headers.iter().map(|h| width_of(h)).collect();
    for (col, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col_num(col), h, &header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let at = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let cell = cell.as_cell();
            let col = col_num(c);
            match cell.as_ref() {
                Cell::Text(s) if needs_defusing(s) => {
                    sheet.write_string_with_format(at, col, s, &defused)?;
                }
                Cell::Text(s) => {
                    sheet.write_string_with_format(at, col, s, &text)?;
                }
                Cell::Number(n) => {
                    sheet.write_number_with_format(at, col, *n, &number)?;
                }
                Cell::DateTime(dt) => {
                    let excel = ExcelDateTime::from_ymd(
                        u16::try_from(dt.year()).unwrap_or(1900),
                        dt.month().unsigned_abs(),
                        dt.day().unsigned_abs(),
                    )?
                    .and_hms(
                        u16::from(dt.hour().unsigned_abs()),
                        dt.minute().unsigned_abs(),
                        dt.second().unsigned_abs(),
                    )?;
                    sheet.write_datetime_with_format(at, col, &excel, &date)?;
                }
                Cell::Empty => {}
            }
            if r < MEASURE_ROWS
                && let Some(w) = widths.get_mut(c)
            {
                // A long text wraps; its first line is what sets the width.
                let first_line = cell.text().lines().next().map(width_of).unwrap_or(0);
                *w = (*w).max(first_line);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col_num(c), (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    // The header stays in sight while scrolling.
    sheet.set_freeze_panes(1, 0)?;
    if !table.headers.is_empty() {
        let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
        sheet.autofilter(0, 0, last_row, col_num(table.headers.len() - 1))?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Display width in Excel's character units: CJK and other wide characters count two.
fn width_of(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

fn needs_defusing(cell: &str) -> bool {
    matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    ) && cell.parse::<f64>().is_err()
}

/// Prefixes a quote to cells that spreadsheets would evaluate as formulas.
fn defuse(cell: &str) -> Cow<'_, str> {
    if needs_defusing(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let table: Table = Table {
            headers: vec!["时间".into(), "内容".into()],
            rows: vec![
                vec!["2026-11-22".into(), "含,逗号和\"引号\"".into()],
                vec!["=HYPERLINK(\"x\")".into(), "-3".into()],
            ],
        };
        let bytes = csv(&table);
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "时间,内容\r\n2026-11-22,\"含,逗号和\"\"引号\"\"\"\r\n\"'=HYPERLINK(\"\"x\"\")\",-3\r\n"
        );
    }

    fn typed() -> Table<Cell> {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        Table {
            headers: vec![
                "编号".into(),
                "收到时间".into(),
                "内容".into(),
                "支持".into(),
            ],
            rows: vec![
                vec![
                    "CD-2026-000001".into(),
                    // 2026-11-23 01:00 UTC is 09:00 in Beijing.
                    Cell::instant(1_795_395_600_000, &tz),
                    "希望城关镇文化站周末开放书法班".into(),
                    Cell::Number(3.0),
                ],
                vec![
                    "CD-2026-000002".into(),
                    Cell::Empty,
                    "=HYPERLINK(\"http://evil.example\",\"点我\")".into(),
                    Cell::Number(0.0),
                ],
            ],
        }
    }

    #[test]
    fn typed_cells_read_as_text_in_csv() {
        let text = String::from_utf8(csv(&typed())[3..].to_vec()).unwrap();
        assert!(
            text.contains("CD-2026-000001,2026-11-23 09:00,希望城关镇文化站周末开放书法班,3\r\n"),
            "{text}"
        );
        assert!(text.contains("\"'=HYPERLINK("), "{text}");
    }

    #[test]
    fn xlsx_opens_with_real_dates_chinese_text_and_defused_formulas() {
        let bytes = xlsx(&typed()).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("编号".into())));
        assert_eq!(
            range.get_value((1, 2)),
            Some(&Data::String("希望城关镇文化站周末开放书法班".into()))
        );
        match range.get_value((1, 1)) {
            Some(Data::DateTime(dt)) => {
                assert!(dt.is_datetime());
                // Days since 1899-12-30: 2026-11-23 is 46349; 09:00 is 0.375 of a day.
                assert!((dt.as_f64() - 46349.375).abs() < 1e-6, "{}", dt.as_f64());
            }
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(range.get_value((1, 3)), Some(&Data::Float(3.0)));
        // The planted formula is text, exactly as written, and no formula at all.
        assert_eq!(
            range.get_value((2, 2)),
            Some(&Data::String(
                "=HYPERLINK(\"http://evil.example\",\"点我\")".into()
            ))
        );
        let formulas = book.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formulas"
        );
        let styles = unzip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
        assert!(styles.contains("等线"), "a font with Chinese glyphs");
        let sheet_xml = unzip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet_xml.contains("state=\"frozen\"") && sheet_xml.contains("ySplit=\"1\""),
            "the header row is frozen"
        );
    }

    #[test]
    fn plain_string_tables_still_export_to_xlsx() {
        let table = Table {
            headers: vec!["时间".into()],
            rows: vec![vec!["2026-11-22".to_owned()]],
        };
        let bytes = xlsx(&table).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String("2026-11-22".into()))
        );
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(width_of("abc"), 3);
        assert_eq!(width_of("文化馆"), 6);
    }

    fn unzip_entry(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut file = archive.by_name(name).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut file, &mut out).unwrap();
        out
    }
}
