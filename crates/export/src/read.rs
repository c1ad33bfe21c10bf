//! Reading spreadsheets people send: the first sheet of an XLSX file, or a CSV file as
//! Chinese Excel saves it (UTF-8 with or without a byte-order mark, UTF-16 "Unicode text",
//! or GBK/GB18030), as text cells numbered the way the spreadsheet shows them.

use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// The spreadsheet's cells as text: the header row and the rows below it, each with its
/// row number and its filled cells by column index.
#[derive(Debug)]
pub struct Sheet {
    pub header_row: usize,
    pub header: Vec<(usize, String)>,
    pub rows: Vec<(usize, Vec<(usize, String)>)>,
    /// `xlsx` or `csv`.
    pub format: &'static str,
    /// How the text was encoded: `utf-8`, `utf-16le`, `gb18030`, … (`xlsx` for XLSX).
    pub encoding: &'static str,
}

/// How much a file may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Rows below the header.
    pub rows: usize,
    /// Filled cells in one row.
    pub cells_per_row: usize,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// The binary `.xls` of Excel 97–2003.
    #[error("an Excel 97-2003 file")]
    OldXls,
    #[error("the file has no header row")]
    Empty,
    #[error("the file has more rows than allowed")]
    TooManyRows,
    #[error("a row has more cells than allowed")]
    TooWide,
}

/// Reads the first sheet of an XLSX file, or a CSV file (comma- or tab-separated) in
/// UTF-8 with or without a mark, UTF-16 with its mark, or GB18030. Blank rows are left out;
/// a file longer or wider than `limits` is refused as soon as that is known.
pub fn sheet(bytes: &[u8], limits: Limits) -> Result<Sheet, ReadError> {
    let mut sheet = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, limits)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // The binary .xls of Excel 97–2003: ask for a format that keeps its dates.
        return Err(ReadError::OldXls);
    } else {
        let (text, encoding) =
            decode(bytes).ok_or_else(|| ReadError::Unreadable("not text".into()))?;
        read_csv(&text, encoding, limits)?
    };
    if sheet.header.is_empty() {
        return Err(ReadError::Empty);
    }
    if sheet.rows.len() > limits.rows {
        return Err(ReadError::TooManyRows);
    }
    sheet.rows.retain(|(_, cells)| !cells.is_empty());
    Ok(sheet)
}

/// The text of a CSV file: UTF-8 (a byte-order mark or not), UTF-16 with its mark, or else
/// GB18030 (a superset of GBK), which is what Chinese Excel writes when saving "CSV".
fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).ok().map(|t| (t, "utf-8"));
    }
    for (mark, encoding, name) in [
        ([0xFF, 0xFE], encoding_rs::UTF_16LE, "utf-16le"),
        ([0xFE, 0xFF], encoding_rs::UTF_16BE, "utf-16be"),
    ] {
        if let Some(rest) = bytes.strip_prefix(&mark) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|t| (t.into_owned(), name));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_owned(), "utf-8"));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), "gb18030"))
}

fn read_csv(text: &str, encoding: &'static str, limits: Limits) -> Result<Sheet, ReadError> {
    let first_line = text.lines().next().unwrap_or_default();
    // Excel's "Unicode text" is tab-separated; everything else here uses commas.
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<(usize, String)>)> = Vec::new();
    // Excel shows a blank line as an empty row, and a quoted cell with line breaks inside
    // one row: a record's row is the number of line breaks before it, less those inside
    // earlier cells, plus one. (The reader's own line count skips blank lines.)
    let mut inner_breaks = 0usize;
    let (mut counted_to, mut breaks_before) = (0usize, 0usize);
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let start = record
            .position()
            .map_or(counted_to, |p| p.byte() as usize)
            .clamp(counted_to, text.len());
        // The reader places a record after the blank lines before it: step over them.
        let start = text.as_bytes()[start..]
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(text.len(), |skip| start + skip);
        breaks_before += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        let row = breaks_before.saturating_sub(inner_breaks) + 1;
        inner_breaks += record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
        let cells: Vec<(usize, String)> = record
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(i, v)| (i, v.to_owned()))
            .collect();
        if cells.is_empty() {
            continue;
        }
        if cells.len() > limits.cells_per_row {
            return Err(ReadError::TooWide);
        }
        rows.push((row, cells));
        if rows.len() > limits.rows + 1 {
            return Err(ReadError::TooManyRows);
        }
    }
    Ok(split_header(rows, "csv", encoding))
}

fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Sheet, ReadError> {
    let unreadable = |e: calamine::XlsxError| ReadError::Unreadable(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(name) = book.sheet_names().into_iter().next() else {
        return Err(ReadError::Empty);
    };
    let mut cells = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut rows: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
    // Cell by cell, so a huge sheet is refused as soon as it is too long, not after it
    // has all been read into memory.
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        let filled = rows.entry(row).or_default();
        filled.push((column as usize, text));
        if filled.len() > limits.cells_per_row {
            return Err(ReadError::TooWide);
        }
        if rows.len() > limits.rows + 1 {
            return Err(ReadError::TooManyRows);
        }
    }
    let rows = rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect();
    Ok(split_header(rows, "xlsx", "xlsx"))
}

/// A cell as text: whole numbers without `.0` (a mobile number typed into a number cell),
/// dates as `YYYY-MM-DD`.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (year, month, day, ..) = d.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn split_header(
    mut rows: Vec<(usize, Vec<(usize, String)>)>,
    format: &'static str,
    encoding: &'static str,
) -> Sheet {
    if rows.is_empty() {
        return Sheet {
            header_row: 1,
            header: Vec::new(),
            rows,
            format,
            encoding,
        };
    }
    let (header_row, header) = rows.remove(0);
    Sheet {
        header_row,
        header,
        rows,
        format,
        encoding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        rows: 10,
        cells_per_row: 8,
    };

    #[test]
    fn text_is_decoded_from_utf8_with_or_without_a_mark_utf16_or_gbk() {
        let text = "类型,内容\n建议,多办讲座\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk), Some((text.to_owned(), "gb18030")));
        let with_mark = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        assert_eq!(decode(&with_mark), Some((text.to_owned(), "utf-8")));
        assert_eq!(decode(text.as_bytes()), Some((text.to_owned(), "utf-8")));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16), Some((text.to_owned(), "utf-16le")));
    }

    #[test]
    fn csv_rows_are_numbered_as_excel_shows_them() {
        let text = "类型,内容\n建议,\"第一行\n第二行\"\n\n投诉,太吵\n";
        let sheet = read_csv(text, "utf-8", LIMITS).unwrap();
        assert_eq!(sheet.header_row, 1);
        let numbers: Vec<usize> = sheet.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            numbers,
            [2, 4],
            "the quoted line break stays in row 2; row 3 is blank"
        );
    }

    #[test]
    fn number_cells_lose_their_decimal_point() {
        assert_eq!(cell_text(&DataRef::Float(13812345678.0)), "13812345678");
        assert_eq!(cell_text(&DataRef::Float(1.5)), "1.5");
    }

    #[test]
    fn a_file_longer_than_its_limit_is_refused() {
        let text = "类型,内容\n".to_owned() + &"建议,多办讲座\n".repeat(11);
        assert!(matches!(
            sheet(text.as_bytes(), LIMITS),
            Err(ReadError::TooManyRows)
        ));
        let text = "类型,内容\n".to_owned() + &"建议,多办讲座\n".repeat(10);
        assert_eq!(sheet(text.as_bytes(), LIMITS).unwrap().rows.len(), 10);
    }
}
