//! Tests of [`super`]: schema inference, TOML round trips, `[defaults]` and `conform`.

use super::*;
use crate::csv_reader::read_csv_bytes;

fn table(s: &str) -> Table {
    read_csv_bytes(s.as_bytes(), "t.csv").expect("test csv")
}

#[test]
fn infers_kinds_and_id_role() {
    let t = table("patient_id,glucose,sex,smoker,stage\n1,85,F,0,I\n2,140,M,1,II\n3,99,M,0,III\n");
    let s = Schema::infer(&t).expect("infer");
    let kinds: Vec<Kind> = s.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![Kind::Numeric, Kind::Numeric, Kind::Binary, Kind::Binary, Kind::Categorical]
    );
    assert_eq!(s.columns[0].role, Role::Id);
    assert_eq!(s.columns[2].levels, Some(vec!["F".into(), "M".into()]));
}

#[test]
fn toml_round_trip() {
    let t = table("a,b\n1,x\n2,y\n");
    let mut s = Schema::infer(&t).expect("infer");
    s.columns[0].min = Some(0.0);
    s.columns[0].missing = vec!["0".into()];
    let back = Schema::from_toml(&s.to_toml()).expect("parse back");
    assert_eq!(back, s);
}

#[test]
fn missing_codes_and_ranges_are_applied() {
    let t = table("glucose\n0\n85\n0.0\n");
    let mut s = Schema::infer(&t).expect("infer");
    let g = s.get_mut("glucose").expect("column");
    g.missing = vec!["0".into()];
    g.min = Some(0.0);
    g.min_exclusive = true;
    g.max = Some(1000.0);
    let c = s.conform(t, &["glucose"], false).expect("conform");
    assert_eq!(c.columns[0].data.missing_count(), 2);

    let bad = table("glucose\n85\n1200\n");
    let e = s.conform(bad, &[], false).expect_err("out of range").to_string();
    assert!(e.contains("line 3") && e.contains("1200") && e.contains("<= 1000"), "{e}");
}

#[test]
fn text_in_numeric_column_is_named() {
    let s = Schema::new(vec![ColumnSpec::new("bp", Kind::Numeric, Role::Feature)]);
    let e = s.conform(table("bp\n80\nhigh\n"), &[], false).expect_err("text").to_string();
    assert!(e.contains("line 3") && e.contains("'high'") && e.contains("'bp'"), "{e}");
    let mostly = format!("bp\n{}abc\n", "80\n".repeat(20));
    let e = Schema::infer(&table(&mostly)).expect_err("mostly numeric").to_string();
    assert!(e.contains("line 22") && e.contains("'abc'"), "{e}");
}

#[test]
fn defaults_cover_unlisted_columns() {
    let text = "[defaults]\nkind = \"numeric\"\nrole = \"feature\"\nunit = \"log2\"\n\n\
                [[columns]]\nname = \"id\"\nkind = \"categorical\"\nrole = \"id\"\n";
    let mut s = Schema::from_toml(text).expect("schema with defaults");
    let t = table("id,g1,g2\na,1.5,NA\nb,2,3\n");
    let conformed = s.conform(t.clone(), &[], false).expect("defaults applied");
    assert_eq!(conformed.columns[2].data.missing_count(), 1);
    s.expand_defaults(&t);
    let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["id", "g1", "g2"]);
    assert_eq!(s.get("g2").map(|c| (c.kind, c.role)), Some((Kind::Numeric, Role::Feature)));
    assert_eq!(s.get("g2").and_then(|c| c.unit.as_deref()), Some("log2"));
    assert_eq!(Schema::from_toml(&s.to_toml()).expect("round trip"), s);
    // Text in a column the defaults declare numeric is named.
    let e = s.conform(table("id,g1,g2\na,1,x\n"), &[], false).expect_err("text").to_string();
    assert!(e.contains("'g2'") && e.contains("'x'"), "{e}");
    // Model inputs still refuse columns the expanded schema does not list.
    let e = s.conform(table("id,g1,g2,g3\na,1,2,3\n"), &[], true).expect_err("unknown");
    assert!(e.to_string().contains("unexpected column 'g3'"), "{e}");
}

#[test]
fn missing_and_unknown_columns_are_errors() {
    let s = Schema::new(vec![ColumnSpec::new("glucose", Kind::Numeric, Role::Feature)]);
    let e = s.conform(table("glucos\n1\n"), &["glucose"], false).expect_err("missing").to_string();
    assert!(e.contains("no column named 'glucose'") && e.contains("did you mean 'glucos'"), "{e}");
    let e = s.conform(table("glucose,zz\n1,2\n"), &[], true).expect_err("unknown").to_string();
    assert!(e.contains("unexpected column 'zz'"), "{e}");
}

#[test]
fn event_meaning_reads_the_code_1_phrase_of_the_description() {
    let mut c = ColumnSpec::new("cens", Kind::Binary, Role::Event);
    assert_eq!(c.event_meaning(), None);
    for (description, meaning) in [
        (
            "Event indicator despite its name: 1 = recurrence or death, 0 = censored",
            Some("recurrence or death"),
        ),
        ("Vital status at last follow-up (1 = died, 0 = alive, censored)", Some("died")),
        ("Status; 1 = relapse; 0 = none", Some("relapse")),
        ("Follow-up status", None),
        ("code 1 = , 0 = alive", None),
    ] {
        c.description = Some(description.to_string());
        assert_eq!(c.event_meaning(), meaning, "{description}");
    }
}
