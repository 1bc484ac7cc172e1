//! JSON has no NaN: serde_json writes a NaN `f64` as `null`. These helpers
//! read `null` back as NaN so that undefined metrics (e.g. a PPV with no
//! predicted positives) survive an artifact's save/load round trip.

use serde::{Deserialize, Deserializer};

/// Reads a number, or `null` as NaN.
pub fn f64_or_nan<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Reads a list of numbers where `null` entries are NaN.
pub fn vec_f64_or_nan<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    Ok(Vec::<Option<f64>>::deserialize(d)?.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::f64_or_nan")]
        x: f64,
        #[serde(deserialize_with = "super::vec_f64_or_nan")]
        v: Vec<f64>,
    }

    #[test]
    fn nan_round_trips_through_null() {
        let s = serde_json::to_string(&T { x: f64::NAN, v: vec![1.0, f64::NAN] }).expect("ser");
        assert_eq!(s, r#"{"x":null,"v":[1.0,null]}"#);
        let t: T = serde_json::from_str(&s).expect("de");
        assert!(t.x.is_nan() && t.v[0] == 1.0 && t.v[1].is_nan());
    }
}
