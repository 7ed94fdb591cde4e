//! Property tests: any text, in any language, gives a report (and pair extraction
//! gives pairs) without panicking, with consistent fields.

use proptest::prelude::*;
use sheikh_core::{Document, Language};
use sheikh_syntax::{
    extract_pairs, PairsConfig, SyntaxReport, ValidateOptions, Validator, Verdict,
};

fn check(text: &str, lang: Language) -> SyntaxReport {
    let v = Validator::new(ValidateOptions {
        timeout_ms: 2_000,
        ..Default::default()
    });
    let r = v.validate(text, lang);
    assert_eq!(r.bytes as usize, text.len());
    assert_eq!(r.language, lang);
    assert!(r.issues.len() as u64 <= r.error_count);
    assert_eq!(r.verdict == Verdict::Invalid, r.error_count > 0);
    assert!((0.0..=1.0).contains(&r.error_byte_share()));
    for i in &r.issues {
        assert!(
            i.start_byte <= i.end_byte && i.end_byte <= text.len(),
            "{i:?}"
        );
        assert!(i.line >= 1 && i.column >= 1);
    }
    r
}

/// Text made of the characters that matter to these grammars.
fn syntaxy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("<"),
            Just(">"),
            Just("</"),
            Just("/>"),
            Just("{"),
            Just("}"),
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just("\""),
            Just("'"),
            Just("`"),
            Just("${"),
            Just("&"),
            Just(";"),
            Just("="),
            Just("\n"),
            Just(" "),
            Just("a"),
            Just("div"),
            Just("import "),
            Just("export "),
            Just("function "),
            Just("=>"),
            Just("/*"),
            Just("*/"),
            Just("//"),
            Just("<!--"),
            Just("-->"),
            Just("<?xml "),
            Just("?>"),
            Just("<![CDATA["),
            Just("]]>"),
            Just("#"),
            Just("*"),
            Just("_"),
            Just("> "),
            Just("- "),
            Just("---\n"),
            Just("```"),
            Just("\0"),
            Just("&#"),
            Just("é"),
            Just("<script>"),
            Just("</script>"),
            Just("<style>"),
            Just("@"),
            Just(":"),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_strings_in_every_language(text in any::<String>()) {
        for lang in Language::ALL {
            check(&text, lang);
        }
    }

    #[test]
    fn random_bytes_in_every_language(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        for lang in Language::ALL {
            check(&text, lang);
        }
    }

    #[test]
    fn syntax_soup_in_every_language(text in syntaxy()) {
        for lang in Language::ALL {
            check(&text, lang);
        }
        for lang in [Language::JavaScript, Language::TypeScript, Language::Jsx, Language::Tsx] {
            let config = PairsConfig { min_lines: 1, min_docstring_tokens: 0, ..Default::default() };
            for p in extract_pairs(&Document::new(text.clone(), lang), &config) {
                prop_assert!(p.original_string.contains(&p.code));
            }
        }
    }

    #[test]
    fn deleting_one_character_never_panics(cut in 0usize..400) {
        let src = "/**\n * Adds numbers a b.\n * @param {number} a\n */\nexport function add(a, b) {\n  return <div class=\"x\">{a + b}</div>;\n}\n<a><b c=\"1\">&amp;</b></a>\n{1 + 2}\n";
        let cut = cut % src.len();
        if src.is_char_boundary(cut) && src.is_char_boundary(cut + 1) {
            let text = format!("{}{}", &src[..cut], &src[cut + 1..]);
            for lang in Language::ALL {
                check(&text, lang);
            }
            extract_pairs(&Document::new(text, Language::Jsx), &PairsConfig::default());
        }
    }
}
