use super::*;
use serde_json::json;

#[test]
fn fingerprints_ignore_key_order_and_see_every_value() {
    let a = json!({"session_id": "s", "role": "user", "content": "hi", "x": {"b": 1, "a": [1, {"d": 2, "c": 3}]}});
    let b: Value =
        serde_json::from_str(r#"{ "x": {"a": [1, {"c": 3, "d": 2}], "b": 1}, "content": "hi", "role": "user", "session_id": "s" }"#)
            .unwrap();
    let fp = |r, v: &Value| fingerprint(r, v).unwrap();
    assert_eq!(fp(Route::Messages, &a), fp(Route::Messages, &b));
    assert_eq!(fp(Route::Messages, &a).len(), 64);
    assert_ne!(fp(Route::Messages, &a), fp(Route::Intents, &a), "the route is part of it");
    let mut c = a.clone();
    c["content"] = json!("hi!");
    assert_ne!(fp(Route::Messages, &a), fp(Route::Messages, &c));
    let mut d = a.clone();
    d["x"]["a"] = json!([{"d": 2, "c": 3}, 1]);
    assert_ne!(fp(Route::Messages, &a), fp(Route::Messages, &d), "array order matters");

    let mut text = String::new();
    canonical_json(&json!({"b": "q\"", "a": [true, null, 1.5]}), &mut text);
    assert_eq!(text, r#"{"a":[true,null,1.5],"b":"q\""}"#);
}

#[test]
fn key_syntax() {
    assert_eq!(IdempotencyKey::parse(b"8e03978e-40d5").unwrap().as_str(), "8e03978e-40d5");
    assert_eq!(IdempotencyKey::parse(br#""8e03 \"x\" \\""#).unwrap().as_str(), r#"8e03 "x" \"#);
    assert!(IdempotencyKey::parse(&[b'k'; MAX_KEY_LEN]).is_ok());
    for bad in
        [&b""[..], b"\"\"", &[b'k'; MAX_KEY_LEN + 1], "ключ".as_bytes(), b"a\tb", b"\"a\\nb\"", b"\"a\"b\""]
    {
        let e = IdempotencyKey::parse(bad).unwrap_err();
        assert_eq!(e.status(), 422, "{bad:?}");
        assert!(e.to_string().contains("printable ASCII"), "{e}");
    }
}

#[test]
fn a_claimed_key_refuses_a_second_claim_until_dropped() {
    let keyed = |k: &[u8]| Keyed {
        key: IdempotencyKey::parse(k).unwrap(),
        route: Route::Messages,
        fingerprint: "f".into(),
    };
    let flight = InFlight::default();
    let first = flight.claim(keyed(b"k")).unwrap();
    assert_eq!(flight.claim(keyed(b"k")).unwrap_err().status(), 409);
    let other = flight.claim(keyed(b"j")).unwrap();
    drop(first);
    assert!(flight.claim(keyed(b"k")).is_ok());
    drop(other);
}
