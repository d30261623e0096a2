//! The record as a Word file: headings as Word's own heading styles (so Word's navigation
//! pane and table of contents work), every piece of user text as a text run.

use super::RecordError;
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading,
    ShdType, Style, StyleType, Table, TableCell, TableRow, WidthType,
};
use samtal_shared::record::{Block, Record};

const FONT: &str = "Calibri";
const GREY: &str = "555555";
/// A4 in twentieths of a point, and the width between 2 cm margins.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1134;
const TEXT_WIDTH: usize = 11906 - 2 * 1134;

/// A run holding `text`, its line breaks as Word line breaks.
fn run_of(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn para(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run_of(text))
        .line_spacing(LineSpacing::new().after(100))
}

fn heading_style(id: &str, name: &str, half_points: usize, before: u32) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .size(half_points)
        .bold()
        .fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT))
        .line_spacing(LineSpacing::new().before(before).after(120))
}

/// Column widths: the `wide` columns share what the others (a sixth each) leave.
fn grid(columns: usize, wide: &[usize]) -> Vec<usize> {
    let narrow = TEXT_WIDTH / 6;
    let wides = (0..columns).filter(|i| wide.contains(i)).count().max(1);
    let rest = TEXT_WIDTH.saturating_sub(narrow * (columns - wides.min(columns))) / wides;
    (0..columns)
        .map(|i| if wide.contains(&i) { rest } else { narrow })
        .collect()
}

fn cell(text: &str, head: bool, width: usize) -> TableCell {
    let run = if head {
        run_of(text).bold()
    } else {
        run_of(text)
    };
    let cell = TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(run));
    if head {
        cell.shading(Shading::new().shd_type(ShdType::Clear).fill("E8E8E8"))
    } else {
        cell
    }
}

/// The Word file (`.docx` bytes) of a record.
pub fn docx(r: &Record) -> Result<Vec<u8>, RecordError> {
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(22)
        .add_style(heading_style("Title", "Title", 40, 0))
        .add_style(heading_style("Heading1", "heading 1", 32, 360))
        .add_style(heading_style("Heading2", "heading 2", 26, 280))
        .add_style(heading_style("Heading3", "heading 3", 23, 200));
    doc = doc.add_paragraph(Paragraph::new().add_run(run_of(&r.title)).style("Title"));
    for (label, value) in &r.meta {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run_of(&format!("{label}: ")).bold())
                .add_run(run_of(value)),
        );
    }
    for b in &r.blocks {
        match b {
            Block::Heading { level, text } => {
                let style = format!("Heading{}", (*level).clamp(1, 3));
                doc = doc.add_paragraph(para(text).style(&style).keep_next(true));
            }
            Block::Text { paragraphs } => {
                for p in paragraphs {
                    doc = doc.add_paragraph(para(p));
                }
            }
            Block::Summary { label, paragraphs } => {
                if !label.is_empty() {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .add_run(run_of(label).bold())
                            .keep_next(true),
                    );
                }
                for p in paragraphs {
                    doc = doc.add_paragraph(para(p).indent(Some(360), None, None, None));
                }
            }
            Block::Answer {
                group,
                note,
                paragraphs,
            } => {
                let mut head = Paragraph::new()
                    .add_run(run_of(group).bold())
                    .keep_next(true)
                    .line_spacing(LineSpacing::new().before(120));
                if !note.is_empty() {
                    head = head.add_run(run_of(&format!(" — {note}")).color(GREY).size(19));
                }
                doc = doc.add_paragraph(head);
                for p in paragraphs {
                    doc = doc.add_paragraph(para(p).indent(Some(360), None, None, None));
                }
            }
            Block::Silent { text } => {
                doc =
                    doc.add_paragraph(Paragraph::new().add_run(run_of(text).italic().color(GREY)));
            }
            Block::Links { items } => {
                for (title, url) in items {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .add_run(run_of(&format!("• {title} ")))
                            .add_run(run_of(&format!("({url})")).color(GREY)),
                    );
                }
            }
            Block::Table { head, rows, wide } => {
                let widths = grid(head.len(), wide);
                let row = |cells: &[String], head: bool| {
                    TableRow::new(
                        cells
                            .iter()
                            .zip(&widths)
                            .map(|(c, w)| cell(c, head, *w))
                            .collect(),
                    )
                };
                let mut table_rows = vec![row(head, true)];
                table_rows.extend(rows.iter().map(|r| row(r, false)));
                doc = doc.add_table(
                    Table::new(table_rows)
                        .set_grid(widths.clone())
                        .width(TEXT_WIDTH, WidthType::Dxa),
                );
                doc = doc.add_paragraph(Paragraph::new());
            }
        }
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .add_run(run_of(&r.footer).color(GREY).size(18))
            .align(AlignmentType::Left),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out)?;
    Ok(out.into_inner())
}
