use super::*;
use proptest::prelude::*;

fn doc() -> DocumentId {
    DocumentId::from_bytes([3; 16])
}

fn samples() -> Vec<Message> {
    let a = PeerId::new("client-a");
    let s = PeerId::new("server");
    vec![
        Message::Join {
            sender_id: a.clone(),
            supported_protocol_versions: vec!["1".into()],
            metadata: Some(PeerMetadata {
                storage_id: Some("st".into()),
                is_ephemeral: false,
            }),
        },
        Message::Join {
            sender_id: a.clone(),
            supported_protocol_versions: vec![],
            metadata: None,
        },
        Message::Peer {
            sender_id: s.clone(),
            target_id: a.clone(),
            selected_protocol_version: "1".into(),
            metadata: Some(PeerMetadata::default()),
        },
        Message::Error {
            message: "nej".into(),
        },
        Message::Request {
            document_id: doc(),
            sender_id: a.clone(),
            target_id: s.clone(),
            data: vec![0x42, 1, 2],
        },
        Message::Sync {
            document_id: doc(),
            sender_id: s.clone(),
            target_id: a.clone(),
            data: vec![],
        },
        Message::DocUnavailable {
            document_id: doc(),
            sender_id: s.clone(),
            target_id: a.clone(),
        },
        Message::Ephemeral {
            document_id: doc(),
            sender_id: a.clone(),
            target_id: s.clone(),
            count: 7,
            session_id: "sess".into(),
            data: vec![9; 3],
        },
        Message::Leave { sender_id: a },
    ]
}

#[test]
fn every_message_kind_round_trips() {
    for m in samples() {
        assert_eq!(Message::decode(&m.encode()), Ok(m.clone()), "{m:?}");
    }
}

#[test]
fn unknown_types_are_reported_not_rejected() {
    let mut bytes = Vec::new();
    let v = Value::Map(vec![(text("type"), text("remote-heads-changed"))]);
    ciborium::ser::into_writer(&v, &mut bytes).unwrap();
    assert_eq!(
        Message::decode(&bytes),
        Ok(Message::Unknown {
            message_type: "remote-heads-changed".into()
        })
    );
}

#[test]
fn hostile_frames_give_named_errors() {
    assert!(matches!(
        Message::decode(b"\xff\x00garbage"),
        Err(ProtocolError::Cbor(_))
    ));
    let good = samples()[4].encode();
    assert!(matches!(
        Message::decode(&good[..good.len() - 2]),
        Err(ProtocolError::Cbor(_))
    ));
    // 1000 nested arrays.
    let nested = [vec![0x81u8; 1000], vec![0x00]].concat();
    assert_eq!(
        Message::decode(&nested),
        Err(ProtocolError::Cbor("nested too deeply".into()))
    );
    let mut no_doc = Vec::new();
    let v = Value::Map(vec![
        (text("type"), text("sync")),
        (text("documentId"), text("../../etc")),
    ]);
    ciborium::ser::into_writer(&v, &mut no_doc).unwrap();
    assert!(matches!(
        Message::decode(&no_doc),
        Err(ProtocolError::DocumentId(_))
    ));
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        Message::decode(&trailing),
        Err(ProtocolError::TrailingBytes)
    );
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// A valid sync frame the direct path leaves to the general one: more than the five
/// fields (a repeated or an extra key).
fn bytes_are_unusual(bytes: &[u8]) -> bool {
    bytes.first() != Some(&0xa5)
}

fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = ciborium::ser::into_writer(v, &mut out);
    out
}

/// What ciborium writes for the map a frame holds: the direct writer must produce exactly
/// these bytes (definite lengths, shortest headers), which the JS peers read.
fn as_ciborium_writes(frame: &[u8]) -> Vec<u8> {
    let value: Value = ciborium::de::from_reader(frame).unwrap_or(Value::Null);
    cbor(&value)
}

#[test]
fn writes_the_bytes_ciborium_writes() {
    let mut ids = IdCache::default();
    let big = Message::Ephemeral {
        document_id: doc(),
        sender_id: PeerId::new("p".repeat(300)),
        target_id: PeerId::new("server"),
        count: u64::MAX,
        session_id: "s".into(),
        data: vec![9; 70_000],
    };
    for m in samples().into_iter().chain([big]) {
        let frame = m.encode();
        assert_eq!(frame, as_ciborium_writes(&frame), "{m:?}");
        assert_eq!(Message::decode(&frame).as_ref(), Ok(&m));
        assert_eq!(m.encode_with(&mut ids), frame, "{m:?}");
    }
}

#[test]
fn sync_frames_take_the_direct_path() {
    let mut ids = IdCache::default();
    for m in samples() {
        let fast = decode_doc_message(&m.encode(), &mut ids);
        match m {
            Message::Sync { .. } | Message::Request { .. } => assert_eq!(fast, Some(m)),
            _ => assert_eq!(fast, None, "{m:?}"),
        }
    }
}

/// A value for one field of a frame: right or wrong type, tagged, indefinite.
fn field_value() -> impl Strategy<Value = Value> {
    let id = DocumentId::from_bytes([5; 16]).to_string();
    prop_oneof![
        Just(Value::Text("sync".into())),
        Just(Value::Text("request".into())),
        Just(Value::Text("ephemeral".into())),
        Just(Value::Text(id)),
        "[a-z]{0,12}".prop_map(Value::Text),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        proptest::collection::vec(any::<u8>(), 0..10)
            .prop_map(|b| Value::Tag(64, Box::new(Value::Bytes(b)))),
        proptest::collection::vec(any::<u8>(), 0..10)
            .prop_map(|b| Value::Tag(65, Box::new(Value::Bytes(b)))),
        any::<u64>().prop_map(|n| Value::Integer(n.into())),
        Just(Value::Array(vec![])),
    ]
}

proptest! {
    /// Whatever the direct path accepts, the general decoder decodes to the same message.
    /// Frames start as a valid `sync`/`request` in any field order, then get up to two
    /// mutations (a value replaced, a key renamed or repeated), trailing bytes or a cut.
    #[test]
    fn fast_path_agrees_with_the_general_decoder(
        ty in prop::sample::select(vec!["sync", "request"]),
        data in proptest::collection::vec(any::<u8>(), 0..40),
        order in Just((0..5).collect::<Vec<usize>>()).prop_shuffle(),
        mutations in proptest::collection::vec(
            (0..5usize, 0..4u8, field_value(), prop::sample::select(vec!["type", "data", "count", "dat", "senderId"])),
            0..3,
        ),
        trailing in proptest::collection::vec(any::<u8>(), 0..2),
        cut in any::<bool>(),
    ) {
        let valid = [
            ("type", text(ty)),
            ("documentId", text(&DocumentId::from_bytes([5; 16]).to_string())),
            ("senderId", text("client")),
            ("targetId", text("server")),
            ("data", Value::Bytes(data)),
        ];
        let mut fields: Vec<(Value, Value)> =
            order.iter().map(|&i| (text(valid[i].0), valid[i].1.clone())).collect();
        for (at, kind, value, key) in mutations {
            match kind {
                0 => fields[at].1 = value,
                1 => fields[at].0 = text(key),
                2 => fields.push((text(key), value)),
                _ => {}
            }
        }
        let mut bytes = cbor(&Value::Map(fields));
        bytes.extend(trailing);
        if cut {
            bytes.pop();
        }
        let general = decode_value(&bytes, &mut IdCache::default());
        match decode_doc_message(&bytes, &mut IdCache::default()) {
            Some(fast) => prop_assert_eq!(Ok(fast), general),
            // Only frames the general decoder refuses or reads as something else go round.
            None => prop_assert!(
                !matches!(general, Ok(Message::Sync { .. } | Message::Request { .. })) || bytes_are_unusual(&bytes),
                "{general:?}"
            ),
        }
    }
}

proptest! {
    #[test]
    fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn sync_round_trips(data in proptest::collection::vec(any::<u8>(), 0..256), id in any::<[u8; 16]>(), peer in "[a-z0-9-]{1,20}") {
        let m = Message::Sync {
            document_id: DocumentId::from_bytes(id),
            sender_id: PeerId::new(peer.clone()),
            target_id: PeerId::new("server"),
            data,
        };
        prop_assert_eq!(Message::decode(&m.encode()), Ok(m));
    }
}
