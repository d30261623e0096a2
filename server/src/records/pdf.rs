//! The record as a PDF, typeset by Typst used as a library: a fixed template
//! (`record.typ`), the record as the JSON file it reads, Libertinus Serif (SIL Open Font
//! License, from typst-assets) embedded. No file system, no network, no packages: the
//! template and the record are the only files this world has.

use super::RecordError;
use samtal_shared::record::Record;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("record.typ");

/// The fonts, parsed once: Libertinus Serif's regular, bold and italic faces.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .filter(|f| f.info().family == "Libertinus Serif")
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(name: &str) -> Option<FileId> {
    let path = VirtualPath::new(name).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// One record's world: the template as `main.typ`, the record as `record.json`.
struct RecordWorld {
    main: Source,
    record_id: Option<FileId>,
    record: Bytes,
}

impl World for RecordWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == self.record_id {
            Ok(self.record.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The PDF bytes of a record.
pub fn pdf(r: &Record) -> Result<Vec<u8>, RecordError> {
    let main_id = file_id("main.typ").ok_or_else(|| RecordError::Pdf("no main file".into()))?;
    let world = RecordWorld {
        main: Source::new(main_id, TEMPLATE.to_owned()),
        record_id: file_id("record.json"),
        record: Bytes::new(serde_json::to_vec(r)?),
    };
    let errors = |diags: &[typst::diag::SourceDiagnostic]| {
        RecordError::Pdf(
            diags
                .iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|d| errors(&d))?;
    let options = typst_pdf::PdfOptions::default();
    let bytes = typst_pdf::pdf(&document, &options).map_err(|d| errors(&d))?;
    // Typst memoises across compilations; a server makes many different records, so nothing
    // is worth keeping.
    typst::comemo::evict(0);
    Ok(bytes)
}
