//! The model-backed generator against a canned chat-completions server on 127.0.0.1.
#![cfg(feature = "openai")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use sheikh_synth::{Dice, Kind, OpenAiConfig, OpenAiGenerator, SynthOptions, Synthesizer};

/// Answers every request: invalid XML when the request's seed is divisible by 3,
/// otherwise a (diverse) valid SVG; returns the base URL.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0usize;
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let req: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(req["model"], "test-model");
                assert_eq!(req["messages"][1]["role"], "user");
                let seed = req["seed"].as_u64().unwrap();
                let content = if seed.is_multiple_of(3) {
                    "```xml\n<svg><g></svg>\n```".to_string()
                } else {
                    let mut d = Dice::from_u64(seed);
                    let svg = sheikh_synth::xml::generate("svg_chart", &mut d).unwrap();
                    format!("Here is the file:\n\n```xml\n{svg}```\n")
                };
                let resp = serde_json::json!({
                    "id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]
                })
                .to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{resp}",
                    resp.len()
                );
            });
        }
    });
    format!("http://{addr}/v1")
}

fn generator(url: &str) -> OpenAiGenerator {
    let cfg = OpenAiConfig {
        base_url: url.into(),
        model: "test-model".into(),
        ..Default::default()
    };
    OpenAiGenerator::new(cfg, 21).unwrap()
}

#[test]
fn valid_answers_are_kept_and_invalid_ones_rejected() {
    let url = serve();
    // Without retries, exactly the samples whose request seed is divisible by 3 fail.
    let s = Synthesizer::new(
        generator(&url),
        SynthOptions {
            max_retries: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Xml, 30).unwrap();
    let st = run.stats().kinds[&Kind::Xml];
    let g = s.generator();
    let failing = (0..st.candidates)
        .filter(|&i| {
            g.request(Kind::Xml, g.family_of(Kind::Xml, i), i, 0)["seed"]
                .as_u64()
                .unwrap()
                .is_multiple_of(3)
        })
        .count() as u64;
    assert_eq!(docs.len(), 30);
    assert!(failing > 0);
    assert_eq!(st.failed, failing, "{st:?}");
    assert_eq!(
        st.candidates,
        30 + failing + st.exact_duplicates + st.near_duplicates
    );
    for d in &docs {
        assert!(sheikh_syntax::validate(&d.content, d.language).is_valid());
        assert_eq!(d.metadata["synth"]["generator"], "openai");
        assert!(d.content.starts_with('<') && !d.content.contains("```"));
        let i = d.metadata["synth"]["index"].as_u64().unwrap();
        assert_ne!(
            g.request(Kind::Xml, g.family_of(Kind::Xml, i), i, 0)["seed"]
                .as_u64()
                .unwrap()
                % 3,
            0
        );
    }

    // With retries, failed attempts are asked again with another seed and recover.
    let s = Synthesizer::new(generator(&url), SynthOptions::default()).unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Xml, 20).unwrap();
    let st = run.stats().kinds[&Kind::Xml];
    assert_eq!(docs.len(), 20);
    assert_eq!(st.failed, 0);
    assert!(st.recovered > 0 && st.retries >= st.recovered, "{st:?}");
}

#[test]
fn transport_errors_are_failures_not_panics() {
    // Nothing listens on this port (bound and dropped).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let g = generator(&format!("http://127.0.0.1:{port}/v1"));
    let s = Synthesizer::new(
        g,
        SynthOptions {
            max_retries: 1,
            oversample: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Mdx, 2).unwrap();
    assert!(docs.is_empty());
    let c = s.check(Kind::Mdx, 0);
    assert!(c.error.unwrap().contains("model endpoint"));
}
