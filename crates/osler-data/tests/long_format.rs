//! The shipped long-format dataset (`pbcseq`: one row per patient per visit)
//! grouped into per-patient visit sequences.

use osler_data::long::{pack_sequences, visit_groups};
use osler_data::{Matrix, Role, catalog, datasets};

#[test]
fn pbcseq_groups_into_312_patients_with_their_visits_in_order() {
    let (table, schema) = datasets::find("pbcseq").expect("shipped").load().expect("loads");
    let table = schema.conform(table, &["id", "day", "status"], true).expect("conforms");
    let g = visit_groups(&table, "id", "day").expect("a valid long table");
    assert_eq!((g.len(), table.n_rows(), g.max_visits()), (312, 1945, 16));
    assert_eq!(g.rows.iter().map(Vec::len).sum::<usize>(), 1945);
    assert_eq!((g.ids[0].as_str(), g.ids[311].as_str()), ("1", "312"));
    for column in ["status", "futime", "trt", "age", "sex"] {
        g.check_constant(&table, column).expect("one value per patient");
    }
    let osler_data::ColumnData::Numeric(day) = &table.column("day").expect("day").data else {
        panic!("day is numeric")
    };
    assert!(g.first_rows().iter().all(|&r| day[r] == 0.0), "every first visit is the baseline");
    let bili = table.column("bili").expect("bili");
    // Patient 1 had visits on days 0 and 192 with bilirubin 14.5 and 21.3 mg/dl.
    let osler_data::ColumnData::Numeric(b) = &bili.data else { panic!("bili is numeric") };
    let x = Matrix::from_columns(std::slice::from_ref(b)).expect("one column");
    let (values, lengths) = pack_sequences(&x, &g, &[0], 3);
    assert_eq!(lengths, [2]);
    assert_eq!(values, [0.0, 14.5, 21.3]);
}

#[test]
fn pbcseq_is_described_as_long_format() {
    let d = catalog::describe("pbcseq").expect("described");
    assert!(d.title.contains("long format") && d.task.contains("one row per patient per visit"));
    let role = |name: &str| d.columns.iter().find(|c| c.name == name).map(|c| c.role);
    assert_eq!(role("id"), Some(Role::Group));
    assert_eq!(role("status"), Some(Role::Target));
    assert_eq!((role("day"), role("futime")), (Some(Role::Ignore), Some(Role::Ignore)));
    let missing: usize = d.columns.iter().map(|c| c.missing).sum();
    assert_eq!(missing, 1133);
}
