use super::*;
use crate::demo;
use crate::doc::{self, WorkshopEdit, apply_workshop_edit, build_workshop, read_workshop};

fn built(spec: &WorkshopSpec) -> Workshop {
    let new = build_workshop(spec, "w", demo::counter_ids()).unwrap();
    read_workshop(&new.workshop).unwrap()
}

fn refusal(json: &str) -> PackageError {
    match read_package(json.as_bytes()) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(e) => e,
    }
}

/// The demo package with one change made to its JSON.
fn demo_with(change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(demo::DEMO_PACKAGE).unwrap();
    change(&mut v);
    v.to_string()
}

#[test]
fn the_demo_package_survives_a_workshop_and_back() {
    let package = demo::package().unwrap();
    let w = built(&demo::spec("2026-12-01").unwrap());
    assert_eq!(
        w.questions[0].note.as_deref(),
        package.questions[0].facilitator_note.as_deref()
    );
    assert_eq!(w.cases[0].links, package.cases[0].links);
    assert_eq!(write_package(&w), package);
    // And the file it writes reads back as the same package.
    assert_eq!(read_package(to_json(&package).as_bytes()).unwrap(), package);
}

#[test]
fn a_case_keeps_its_own_reflection_fields_and_the_others_the_package_s() {
    let mut spec = demo::spec("2026-12-01").unwrap();
    spec.setup.reflection_fields = vec!["Vad hände?".into(), "Vad gör vi?".into()];
    spec.setup.cases[1].reflection_fields = vec!["Ekonomin".into()];
    let w = built(&spec);
    let labels = |c: usize| -> Vec<&str> {
        w.fields_for(&w.cases[c])
            .iter()
            .map(|f| f.label.as_str())
            .collect()
    };
    assert_eq!(labels(0), ["Vad hände?", "Vad gör vi?"]);
    assert_eq!(labels(1), ["Ekonomin"]);
    let fields = w.text_fields_for("Vuxen");
    assert!(
        fields
            .iter()
            .any(|(_, h)| h == "Familjen på Ekvägen – Ekonomin")
    );
    assert_eq!(write_package(&w), spec.setup);
}

#[test]
fn the_default_reflection_fields_are_written_as_the_default() {
    let w = built(&demo::spec("2026-12-01").unwrap());
    assert_eq!(w.reflection_fields, doc::default_reflection_fields());
    assert!(write_package(&w).reflection_fields.is_empty());
}

#[test]
fn what_the_editor_leaves_half_done_still_makes_a_package_that_reads_back() {
    let spec = demo::spec("2026-12-01").unwrap();
    let mut new = build_workshop(&spec, "w", demo::counter_ids()).unwrap();
    let d = &mut new.workshop;
    for edit in [
        WorkshopEdit::AddQuestion { id: "blank".into() },
        WorkshopEdit::AddMaterial,
        WorkshopEdit::AddMaterial,
        WorkshopEdit::Material {
            index: 2,
            title: "Skadlig".into(),
            url: "javascript:alert(1)".into(),
        },
        WorkshopEdit::RemoveArea { index: 0 },
        WorkshopEdit::AddCase {
            id: "c9".into(),
            area: "Vuxen".into(),
        },
    ] {
        apply_workshop_edit(d, &edit).unwrap();
    }
    let package = write_package(&read_workshop(d).unwrap());
    assert_eq!(package.questions.len(), 3, "the blank question is left out");
    assert_eq!(package.materials.len(), 2, "the blank material is left out");
    assert_eq!(
        package.materials[1].url, "",
        "an address that is no web link is not kept"
    );
    assert_eq!(
        package.cases.len(),
        3,
        "the untitled, empty case is left out"
    );
    assert!(
        package.areas.contains(&"Barn och unga".to_owned()),
        "still used by a group"
    );
    assert_eq!(read_package(to_json(&package).as_bytes()).unwrap(), package);
}

#[test]
fn a_create_request_may_leave_out_the_schema_but_needs_a_date() {
    let body = demo_with(|v| {
        v.as_object_mut().unwrap().remove("schema");
        v["date"] = "2026-12-01".into();
        v["access_days"] = 30.into();
    });
    let spec = read_spec(body.as_bytes()).unwrap();
    assert_eq!(spec.date, "2026-12-01");
    assert_eq!(spec.access_days, Some(30));
    assert_eq!(spec.setup.schema, PACKAGE_SCHEMA);

    let e = read_spec(demo::DEMO_PACKAGE.as_bytes()).unwrap_err();
    assert_eq!(e.field(), Some("date"), "{e}");
    let bad = demo_with(|v| v["date"] = "1 december".into());
    let e = read_spec(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.field(), e.invalid()),
        (Some("date"), Some(Invalid::BadDate))
    );
}

#[test]
fn a_package_file_names_its_schema_and_only_this_one_is_read() {
    let none = demo_with(|v| {
        v.as_object_mut().unwrap().remove("schema");
    });
    assert!(matches!(refusal(&none), PackageError::NoSchema));
    let newer = demo_with(|v| v["schema"] = "samtal-package/2".into());
    let e = refusal(&newer);
    assert!(
        matches!(&e, PackageError::UnknownSchema(s) if s.contains("/2")),
        "{e}"
    );
    assert_eq!(e.field(), Some("schema"));
    let number = demo_with(|v| v["schema"] = 1.into());
    assert!(matches!(refusal(&number), PackageError::UnknownSchema(_)));
}

#[test]
fn a_refusal_names_the_field() {
    let cases: Vec<(String, &str, Option<Invalid>)> = vec![
        (
            demo_with(|v| v["cases"][1].as_object_mut().unwrap().clear()),
            "cases[1].title",
            None,
        ),
        (
            demo_with(|v| v["cases"][2]["body"] = 7.into()),
            "cases[2].body",
            None,
        ),
        (
            demo_with(|v| {
                v.as_object_mut().unwrap().remove("title");
            }),
            "title",
            None,
        ),
        (
            demo_with(|v| v["title"] = " ".into()),
            "title",
            Some(Invalid::EmptyTitle),
        ),
        (
            demo_with(|v| v["groups"] = serde_json::json!([])),
            "groups",
            Some(Invalid::NoGroups),
        ),
        (
            demo_with(|v| v["cases"][0]["area"] = "Ekonomi".into()),
            "cases[0].area",
            Some(Invalid::NoSuchArea),
        ),
        (
            demo_with(|v| v["groups"][2]["area"] = "Ekonomi".into()),
            "groups[2].area",
            Some(Invalid::NoSuchArea),
        ),
        (
            demo_with(|v| v["questions"][1]["area"] = "Ekonomi".into()),
            "questions[1].area",
            Some(Invalid::NoSuchArea),
        ),
        (
            demo_with(|v| v["materials"][0]["url"] = "javascript:alert(1)".into()),
            "materials[0].url",
            Some(Invalid::BadUrl),
        ),
        (
            demo_with(|v| v["cases"][0]["links"][0]["url"] = "https://a b".into()),
            "cases[0].links[0].url",
            Some(Invalid::BadUrl),
        ),
        (
            demo_with(|v| v["questions"][0]["text"] = "x".repeat(doc::MAX_TEXT + 1).into()),
            "questions[0].text",
            Some(Invalid::TooLong),
        ),
        (
            demo_with(|v| v["areas"] = serde_json::json!(vec!["a"; doc::MAX_ITEMS + 1])),
            "areas",
            Some(Invalid::TooManyItems),
        ),
        ("{\"schema\": \"samtal-package/1\", ".to_owned(), "", None),
    ];
    for (json, field, why) in cases {
        let e = refusal(&json);
        assert_eq!(e.field().unwrap_or(""), field, "{e}");
        assert_eq!(e.invalid(), why, "{e}");
    }
}

#[test]
fn an_oversized_package_is_refused_before_it_is_parsed() {
    let big = format!("{}{}", demo::DEMO_PACKAGE, " ".repeat(MAX_PACKAGE_BYTES));
    assert!(matches!(refusal(&big), PackageError::TooLarge));
}

#[test]
fn links_are_web_links() {
    use crate::doc::url_ok;
    for ok in ["", "https://example.org/film", "http://intranet/a?b=c#d"] {
        assert!(url_ok(ok), "{ok}");
    }
    for bad in [
        "javascript:alert(1)",
        "https://",
        "ftp://x",
        "https://a b",
        "data:text/html,x",
    ] {
        assert!(!url_ok(bad), "{bad}");
    }
}

#[test]
fn without_a_list_of_areas_the_areas_are_the_ones_used() {
    let body = r#"{"title": "Utan områden", "date": "2026-12-01",
        "cases": [{"title": "Elsa", "area": "Barn och unga", "body": "…"}],
        "groups": [{"name": "Vuxen 1", "area": "Vuxen"}, {"name": "Barn", "area": "Barn och unga"}]}"#;
    let spec = read_spec(body.as_bytes()).unwrap();
    assert_eq!(built(&spec).areas, ["Vuxen", "Barn och unga"]);
    // With a list, an area that is not on it is a mistake.
    let listed = body.replace(r#""title": "Utan"#, r#""areas": ["Vuxen"], "title": "Utan"#);
    let e = read_spec(listed.as_bytes()).unwrap_err();
    assert_eq!(
        (e.field(), e.invalid()),
        (Some("cases[0].area"), Some(Invalid::NoSuchArea))
    );
}

#[test]
fn the_documented_example_is_a_package() {
    let doc = include_str!("../../../docs/package-format.md");
    let example = doc
        .split("## Example")
        .nth(1)
        .and_then(|s| s.split("```json").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap();
    let p = read_package(example.as_bytes()).unwrap();
    assert_eq!(p.cases[0].links.len(), 1);
    // And every field the table names is one the format has.
    let written = to_json(&demo::package().unwrap());
    for field in [
        "schema",
        "title",
        "materials",
        "areas",
        "questions",
        "reflection_fields",
        "cases",
        "groups",
    ] {
        assert!(
            doc.contains(&format!("| `{field}` |")),
            "{field} is documented"
        );
        assert!(
            written.contains(&format!("\"{field}\"")),
            "{field} is written"
        );
    }
}

#[test]
fn a_package_carries_the_first_round_s_groups_only() {
    let spec = demo::spec("2026-12-01").unwrap();
    let mut new = build_workshop(&spec, "w", demo::counter_ids()).unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    // A mixed round, one of its groups on an area's questions.
    let groups = crate::rounds::propose(&w, 1, &[2, 2, 2], &[3, 3], |j| format!("Blandad {j}"))
        .into_round(&[w.areas[0].clone(), String::new()]);
    apply_workshop_edit(&mut new.workshop, &WorkshopEdit::AddRound { groups }).unwrap();
    let after = read_workshop(&new.workshop).unwrap();
    assert_eq!(after.groups.len(), w.groups.len() + 2);
    assert_eq!(write_package(&after), write_package(&w));
}
