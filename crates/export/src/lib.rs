//! Spreadsheet files for Chinese offices.
//!
//! CSV starts with a UTF-8 byte-order mark: without it, Excel on a Chinese Windows reads
//! the file as GBK and shows garbage. Cells that a spreadsheet would run as a formula are
//! defused, so a submitter cannot plant `=HYPERLINK(…)` in staff's exports.

/// A table to export: a header row and data rows of the same width.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table as CSV with a UTF-8 BOM and CRLF line ends.
pub fn csv(table: &Table) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let mut write = |row: &[String]| {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(row.iter().map(|cell| defuse(cell).into_owned()));
    };
    write(&table.headers);
    for row in &table.rows {
        write(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// Prefixes a quote to cells that spreadsheets would evaluate as formulas.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if cell.parse::<f64>().is_err() => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let table = Table {
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
}
