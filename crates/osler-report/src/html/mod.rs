//! The [`Report`] builder: a complete, self-contained HTML5 document.
//!
//! # Trust model
//!
//! All caller text (titles, headings, paragraphs, table cells, captions,
//! key-value pairs, notes, the footer) is HTML-escaped. The one exception is
//! the SVG passed to [`Section::figure`], which is inserted verbatim as
//! trusted markup: pass only output of [`crate::svg`] (which escapes its own
//! text) or other SVG you generated yourself, never user-supplied markup.

mod style;
mod table;

pub use table::Table;

use crate::escape;
use std::fmt::Write as _;

/// Kind of callout box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    /// Neutral information (blue bar, "Note:" prefix).
    Note,
    /// Something the reader must not miss (orange bar, "Warning:" prefix).
    Warning,
}

/// One piece of section content.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Subheading(String),
    Paragraph(String),
    List(Vec<String>),
    KeyValues(Vec<(String, String)>),
    Table(Table),
    Figure { svg: String, caption: String },
    Callout(CalloutKind, String),
}

/// A numbered section of a [`Report`], listed in the table of contents.
/// Content methods append in order and return `&mut Self` for chaining.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    heading: String,
    blocks: Vec<Block>,
}

impl Section {
    fn add(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// Adds a sub-heading (`<h3>`, not listed in the table of contents).
    pub fn subheading(&mut self, text: impl Into<String>) -> &mut Self {
        self.add(Block::Subheading(text.into()))
    }

    /// Adds a paragraph of plain text.
    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.add(Block::Paragraph(text.into()))
    }

    /// Adds a bulleted list.
    pub fn list<I, S>(&mut self, items: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.add(Block::List(items.into_iter().map(Into::into).collect()))
    }

    /// Adds a key-value list (rendered as a definition list), e.g. dataset
    /// metadata or model settings.
    pub fn key_values<I, K, V>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.add(Block::KeyValues(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()))
    }

    /// Adds a table, numbered "Table N." across the report.
    pub fn table(&mut self, table: Table) -> &mut Self {
        self.add(Block::Table(table))
    }

    /// Adds a figure, numbered "Figure N." across the report.
    ///
    /// `svg` is inserted verbatim as **trusted markup** (see the
    /// [module docs](self)); `caption` is escaped.
    pub fn figure(&mut self, svg: impl Into<String>, caption: impl Into<String>) -> &mut Self {
        self.add(Block::Figure { svg: svg.into(), caption: caption.into() })
    }

    /// Adds a "Note:" callout box.
    pub fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.add(Block::Callout(CalloutKind::Note, text.into()))
    }

    /// Adds a "Warning:" callout box.
    pub fn warning(&mut self, text: impl Into<String>) -> &mut Self {
        self.add(Block::Callout(CalloutKind::Warning, text.into()))
    }
}

/// Builder for a self-contained HTML report: title, optional subtitle,
/// numbered sections with a generated table of contents, and a footer line.
///
/// ```
/// use osler_report::html::Report;
/// let mut r = Report::new("Model card");
/// r.subtitle("Sepsis risk, v3").footer("osler 0.1.0");
/// r.section("Intended use").paragraph("Adults admitted via the ED.");
/// let html = r.render();
/// assert!(html.contains("<h1>Model card</h1>"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    title: String,
    subtitle: Option<String>,
    footer: Option<String>,
    lang: String,
    sections: Vec<Section>,
}

impl Report {
    /// Starts a report with this title (used for `<title>` and `<h1>`).
    pub fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            subtitle: None,
            footer: None,
            lang: "en".to_string(),
            sections: Vec::new(),
        }
    }

    /// Sets a subtitle shown under the title.
    pub fn subtitle(&mut self, text: impl Into<String>) -> &mut Self {
        self.subtitle = Some(text.into());
        self
    }

    /// Sets the footer line, e.g. `"osler 0.1.0 · generated 2025-01-01 ·
    /// data sha256 …"`. Kept caller-provided so output stays deterministic.
    pub fn footer(&mut self, text: impl Into<String>) -> &mut Self {
        self.footer = Some(text.into());
        self
    }

    /// Sets the document language (`<html lang>`, default `"en"`).
    pub fn lang(&mut self, lang: impl Into<String>) -> &mut Self {
        self.lang = lang.into();
        self
    }

    /// Appends a new section and returns it for adding content.
    pub fn section(&mut self, heading: impl Into<String>) -> &mut Section {
        self.sections.push(Section { heading: heading.into(), blocks: Vec::new() });
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    /// Renders the complete HTML5 document.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
            escape(&self.lang),
            escape(&self.title),
            style::CSS
        );
        let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(&self.title));
        if let Some(s) = &self.subtitle {
            let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(s));
        }
        out.push_str("</header>\n");
        if !self.sections.is_empty() {
            out.push_str("<nav class=\"toc\" aria-labelledby=\"toc-h\">\n<h2 id=\"toc-h\">Contents</h2>\n<ol>\n");
            for (i, s) in self.sections.iter().enumerate() {
                let _ =
                    writeln!(out, "<li><a href=\"#sec-{}\">{}</a></li>", i + 1, escape(&s.heading));
            }
            out.push_str("</ol>\n</nav>\n");
        }
        out.push_str("<main>\n");
        let (mut tables, mut figures) = (0, 0);
        for (i, s) in self.sections.iter().enumerate() {
            let n = i + 1;
            let _ = writeln!(
                out,
                "<section id=\"sec-{n}\" aria-labelledby=\"sec-{n}-h\">\n<h2 id=\"sec-{n}-h\">{n}. {}</h2>",
                escape(&s.heading)
            );
            for b in &s.blocks {
                render_block(b, &mut out, &mut tables, &mut figures);
            }
            out.push_str("</section>\n");
        }
        out.push_str("</main>\n");
        if let Some(f) = &self.footer {
            let _ = writeln!(out, "<footer>\n<p>{}</p>\n</footer>", escape(f));
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

fn render_block(b: &Block, out: &mut String, tables: &mut usize, figures: &mut usize) {
    match b {
        Block::Subheading(t) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(t));
        }
        Block::Paragraph(t) => {
            let _ = writeln!(out, "<p>{}</p>", escape(t));
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for it in items {
                let _ = writeln!(out, "<li>{}</li>", escape(it));
            }
            out.push_str("</ul>\n");
        }
        Block::KeyValues(kv) => {
            out.push_str("<dl class=\"kv\">\n");
            for (k, v) in kv {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
            }
            out.push_str("</dl>\n");
        }
        Block::Table(t) => {
            *tables += 1;
            t.render(*tables, out);
        }
        Block::Figure { svg, caption } => {
            *figures += 1;
            let _ = write!(
                out,
                "<figure>\n<div class=\"plot\">\n{svg}\n</div>\n<figcaption><span class=\"label\">Figure {}.</span>",
                *figures
            );
            if !caption.is_empty() {
                let _ = write!(out, " {}", escape(caption));
            }
            out.push_str("</figcaption>\n</figure>\n");
        }
        Block::Callout(kind, text) => {
            let (class, prefix) = match kind {
                CalloutKind::Note => ("note", "Note:"),
                CalloutKind::Warning => ("warning", "Warning:"),
            };
            let _ = writeln!(
                out,
                "<aside class=\"callout {class}\" role=\"note\"><p><strong>{prefix}</strong> {}</p></aside>",
                escape(text)
            );
        }
    }
}
