//! Instruction pairs in the OpenCodeInstruct style (`instruction`, `input`, `output`,
//! `language`, `source`), whose answers are generated and then checked:
//!
//! | task | asks | answer checked by |
//! |---|---|---|
//! | `svg_from_description` | "Write an SVG icon showing …" | valid XML; the shapes parsed back equal the description |
//! | `json_to_xml` | "Convert this JSON to XML …" | valid XML; parsed back to JSON it equals the input |
//! | `xml_to_json` | "Convert this XML to JSON …" | valid JSON equal to the XML parsed by the stated convention |
//! | `mdx_add_prop` | "Add the `x` prop to the `<C>` component" | valid MDX; removing the prop gives the input back |
//! | `jsdoc` | "Document this function with JSDoc" | valid JavaScript; `sheikh-syntax`'s pair extractor finds the function, its summary and one `@param` per parameter |
//!
//! An answer that fails its check is regenerated from a derived seed (`attempt + 1`),
//! like the documents of a [`Synthesizer`](crate::Synthesizer).

use std::io::Write;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sheikh_core::{Document, Language};
use sheikh_syntax::{extract_pairs, PairsConfig, Validator};

use crate::error::{Result, SynthError};
use crate::js::{self, Dialect};
use crate::rng::Dice;
use crate::style::{js_string, Style};
use crate::vocab::{self, *};
use crate::xmltree::{El, XmlWriter};

/// One instruction / answer pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionPair {
    /// Stable id: `synth-TASK-SEED-INDEX`.
    pub id: String,
    /// The task name ([`Task::name`]).
    pub task: String,
    /// What to do, in English.
    pub instruction: String,
    /// The material to work on (empty for generation tasks).
    pub input: String,
    /// The checked answer.
    pub output: String,
    /// The answer's language.
    pub language: Language,
    /// Where the pair comes from: `sheikh-synth/grammar`.
    pub source: String,
    /// The run's seed.
    pub seed: u64,
    /// The pair's index.
    pub index: u64,
    /// Extra attempts needed before the answer passed its check.
    pub retries: u32,
}

/// The instruction tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Write an SVG from a description of its shapes.
    SvgFromDescription,
    /// Convert a JSON object to XML.
    JsonToXml,
    /// Convert an XML document to JSON.
    XmlToJson,
    /// Add a prop to a component in an MDX page.
    MdxAddProp,
    /// Add a JSDoc comment to a JavaScript function.
    Jsdoc,
}

impl Task {
    /// Every task.
    pub const ALL: [Task; 5] = [
        Task::SvgFromDescription,
        Task::JsonToXml,
        Task::XmlToJson,
        Task::MdxAddProp,
        Task::Jsdoc,
    ];

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Task::SvgFromDescription => "svg_from_description",
            Task::JsonToXml => "json_to_xml",
            Task::XmlToJson => "xml_to_json",
            Task::MdxAddProp => "mdx_add_prop",
            Task::Jsdoc => "jsdoc",
        }
    }

    /// The answer's language.
    pub fn language(self) -> Language {
        match self {
            Task::SvgFromDescription | Task::JsonToXml => Language::Xml,
            Task::XmlToJson => Language::Json,
            Task::MdxAddProp => Language::Mdx,
            Task::Jsdoc => Language::JavaScript,
        }
    }
}

/// Generates checked instruction pairs.
///
/// ```
/// use sheikh_synth::{InstructionGenerator, Task};
/// let g = InstructionGenerator::new(3);
/// let p = g.pair(Task::JsonToXml, 0)?;
/// assert_eq!(p.task, "json_to_xml");
/// assert!(sheikh_syntax::validate(&p.output, p.language).is_valid());
/// let all = g.generate(10)?;
/// assert_eq!(all.len(), 10);
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct InstructionGenerator {
    seed: u64,
    tasks: Vec<Task>,
    max_retries: u32,
    validator: Validator,
}

impl InstructionGenerator {
    /// A generator of every task, with up to 8 retries per pair.
    pub fn new(seed: u64) -> Self {
        InstructionGenerator {
            seed,
            tasks: Task::ALL.to_vec(),
            max_retries: 8,
            validator: Validator::default(),
        }
    }

    /// Only these tasks (used in turn: pair `i` has task `tasks[i % len]`).
    pub fn with_tasks(mut self, tasks: &[Task]) -> Self {
        if !tasks.is_empty() {
            self.tasks = tasks.to_vec();
        }
        self
    }

    /// Pair `index` of `task`, checked (regenerated up to the retry limit).
    pub fn pair(&self, task: Task, index: u64) -> Result<InstructionPair> {
        let mut last = String::new();
        for attempt in 0..=self.max_retries {
            let mut d = Dice::for_sample(
                self.seed,
                &format!("instruct/{}", task.name()),
                index,
                attempt,
            );
            let built = match task {
                Task::SvgFromDescription => svg_from_description(&mut d),
                Task::JsonToXml => json_to_xml(&mut d),
                Task::XmlToJson => xml_to_json(&mut d),
                Task::MdxAddProp => mdx_add_prop(&mut d),
                Task::Jsdoc => jsdoc(&mut d),
            };
            let (instruction, input, output) = match built {
                Ok(x) => x,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            let report = self.validator.validate(&output, task.language());
            if !report.is_valid() {
                last = format!(
                    "output not valid {}: {:?}",
                    task.language(),
                    report.first_issue()
                );
                continue;
            }
            if let Err(e) = check(task, &instruction, &input, &output) {
                last = e;
                continue;
            }
            return Ok(InstructionPair {
                id: format!("synth-{}-{}-{index}", task.name(), self.seed),
                task: task.name().into(),
                instruction,
                input,
                output,
                language: task.language(),
                source: "sheikh-synth/grammar".into(),
                seed: self.seed,
                index,
                retries: attempt,
            });
        }
        Err(SynthError::Task {
            task: task.name().into(),
            message: format!(
                "no checked answer after {} attempts: {last}",
                self.max_retries + 1
            ),
        })
    }

    /// Pairs `0..n`, tasks in turn, generated in parallel (same result on any thread
    /// count).
    pub fn generate(&self, n: u64) -> Result<Vec<InstructionPair>> {
        self.generate_range(0, n)
    }

    /// Pairs `start..end`, for streaming in batches.
    pub fn generate_range(&self, start: u64, end: u64) -> Result<Vec<InstructionPair>> {
        (start..end)
            .into_par_iter()
            .map(|i| self.pair(self.tasks[(i % self.tasks.len() as u64) as usize], i))
            .collect()
    }

    /// Writes pairs `0..n` as JSON Lines to `path` (temporary name, then renamed), in
    /// batches of `batch` pairs.
    pub fn write_jsonl(&self, path: impl AsRef<Path>, n: u64, batch: u64) -> Result<PathBuf> {
        let io = |e: std::io::Error| {
            SynthError::Config(format!("writing {}: {e}", path.as_ref().display()))
        };
        let mut f = sheikh_core::io::AtomicFile::create(path.as_ref())
            .map_err(|e| SynthError::Config(e.to_string()))?;
        let batch = batch.max(1);
        let mut start = 0;
        while start < n {
            let end = (start + batch).min(n);
            for p in self.generate_range(start, end)? {
                serde_json::to_writer(&mut f, &p).map_err(|e| io(e.into()))?;
                f.write_all(b"\n").map_err(io)?;
            }
            start = end;
        }
        f.commit().map_err(|e| SynthError::Config(e.to_string()))
    }
}

type Built = std::result::Result<(String, String, String), String>;

// ---------------------------------------------------------------- SVG

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Circle {
        cx: u32,
        cy: u32,
        r: u32,
        fill: String,
    },
    Rect {
        x: u32,
        y: u32,
        w: u32,
        h: u32,
        fill: String,
    },
    Line {
        x1: u32,
        y1: u32,
        x2: u32,
        y2: u32,
        stroke: String,
    },
    Ellipse {
        cx: u32,
        cy: u32,
        rx: u32,
        ry: u32,
        fill: String,
    },
}

fn describe(s: &Shape) -> String {
    match s {
        Shape::Circle { cx, cy, r, fill } => {
            format!("a {fill} circle centred at ({cx}, {cy}) with radius {r}")
        }
        Shape::Rect { x, y, w, h, fill } => format!(
            "a {fill} rectangle {w} wide and {h} tall with its top-left corner at ({x}, {y})"
        ),
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        } => format!("a {stroke} line from ({x1}, {y1}) to ({x2}, {y2})"),
        Shape::Ellipse {
            cx,
            cy,
            rx,
            ry,
            fill,
        } => format!("a {fill} ellipse centred at ({cx}, {cy}) with radii {rx} and {ry}"),
    }
}

fn shape_el(s: &Shape) -> El {
    match s {
        Shape::Circle { cx, cy, r, fill } => El::new("circle")
            .attr("cx", cx.to_string())
            .attr("cy", cy.to_string())
            .attr("r", r.to_string())
            .attr("fill", fill),
        Shape::Rect { x, y, w, h, fill } => El::new("rect")
            .attr("x", x.to_string())
            .attr("y", y.to_string())
            .attr("width", w.to_string())
            .attr("height", h.to_string())
            .attr("fill", fill),
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        } => El::new("line")
            .attr("x1", x1.to_string())
            .attr("y1", y1.to_string())
            .attr("x2", x2.to_string())
            .attr("y2", y2.to_string())
            .attr("stroke", stroke),
        Shape::Ellipse {
            cx,
            cy,
            rx,
            ry,
            fill,
        } => El::new("ellipse")
            .attr("cx", cx.to_string())
            .attr("cy", cy.to_string())
            .attr("rx", rx.to_string())
            .attr("ry", ry.to_string())
            .attr("fill", fill),
    }
}

fn svg_from_description(d: &mut Dice) -> Built {
    let size = d.pick(&[16u32, 24, 32, 48, 64, 100, 128]);
    let n = d.range(1, 4);
    let mut shapes = Vec::new();
    for _ in 0..n {
        let c = |d: &mut Dice| d.range(1, size as usize - 1) as u32;
        let col = |d: &mut Dice| d.pick(COLOR_NAMES).to_string();
        let s = match d.below(4) {
            0 => Shape::Circle {
                cx: c(d),
                cy: c(d),
                r: d.range(1, (size / 3).max(1) as usize) as u32,
                fill: col(d),
            },
            1 => Shape::Rect {
                x: c(d),
                y: c(d),
                w: d.range(1, (size / 2) as usize) as u32,
                h: d.range(1, (size / 2) as usize) as u32,
                fill: col(d),
            },
            2 => Shape::Line {
                x1: c(d),
                y1: c(d),
                x2: c(d),
                y2: c(d),
                stroke: col(d),
            },
            _ => Shape::Ellipse {
                cx: c(d),
                cy: c(d),
                rx: d.range(1, (size / 3).max(1) as usize) as u32,
                ry: d.range(1, (size / 3).max(1) as usize) as u32,
                fill: col(d),
            },
        };
        shapes.push(s);
    }
    let what = vocab::title(d).to_lowercase();
    let descs: Vec<String> = shapes.iter().map(describe).collect();
    let list = match descs.len() {
        1 => descs[0].clone(),
        _ => format!(
            "{} and {}",
            descs[..descs.len() - 1].join(", "),
            descs[descs.len() - 1]
        ),
    };
    let lead = d.pick(&[
        "Write an SVG of",
        "Create an SVG image of",
        "Produce SVG markup for",
        "Draw, as SVG,",
    ]);
    let instruction = format!(
        "{lead} a {size}x{size} icon for \"{what}\" (viewBox 0 0 {size} {size}) containing {list}, in that order. Include a <title> with the icon's name."
    );
    let style = Style::draw(d, 0.2);
    let mut svg = El::new("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("width", size.to_string())
        .attr("height", size.to_string())
        .attr("viewBox", format!("0 0 {size} {size}"));
    svg.push(El::leaf("title", &what));
    for s in &shapes {
        svg.push(shape_el(s));
    }
    let output = XmlWriter {
        style: &style,
        attrs_per_line_over: usize::MAX,
    }
    .document(None, &[], &svg);
    // The description is carried to the check through the instruction itself.
    Ok((instruction, String::new(), output))
}

/// The shapes of an SVG, in order, as descriptions (for the check).
fn svg_shapes(xml: &str) -> std::result::Result<Vec<String>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Eof => return Ok(out),
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().into_inner().to_string();
                let get = |k: &str| -> std::result::Result<String, String> {
                    for a in e.attributes() {
                        let a = a.map_err(|e| e.to_string())?;
                        if a.key.into_inner() == k {
                            return Ok(a.value.to_string());
                        }
                    }
                    Err(format!("<{name}> has no {k}"))
                };
                let n = |s: String| s.parse::<u32>().map_err(|e| e.to_string());
                let s = match name.as_str() {
                    "circle" => Shape::Circle {
                        cx: n(get("cx")?)?,
                        cy: n(get("cy")?)?,
                        r: n(get("r")?)?,
                        fill: get("fill")?,
                    },
                    "rect" => Shape::Rect {
                        x: n(get("x")?)?,
                        y: n(get("y")?)?,
                        w: n(get("width")?)?,
                        h: n(get("height")?)?,
                        fill: get("fill")?,
                    },
                    "line" => Shape::Line {
                        x1: n(get("x1")?)?,
                        y1: n(get("y1")?)?,
                        x2: n(get("x2")?)?,
                        y2: n(get("y2")?)?,
                        stroke: get("stroke")?,
                    },
                    "ellipse" => Shape::Ellipse {
                        cx: n(get("cx")?)?,
                        cy: n(get("cy")?)?,
                        rx: n(get("rx")?)?,
                        ry: n(get("ry")?)?,
                        fill: get("fill")?,
                    },
                    _ => continue,
                };
                out.push(describe(&s));
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- JSON <-> XML

const CONVENTION: &str = "Use the object's keys as element names in order; give numbers, booleans, null, arrays and objects a `type` attribute (`number`, `boolean`, `null`, `array`, `object`), leave strings without one; write array elements as `<item>` children; escape `&`, `<` and `>` in text.";

fn json_value(d: &mut Dice, depth: usize) -> Value {
    let r = if depth >= 3 { d.below(5) } else { d.below(8) };
    match r {
        0 | 1 => {
            let mut s = vocab::phrase(d);
            if d.chance(0.2) {
                s.push_str(d.pick(&[" & co", " <beta>", " > 3", " \"quoted\""]));
            }
            Value::String(s)
        }
        2 => Value::from(d.range(0, 100_000) as u64),
        3 => serde_json::Number::from_f64((d.range(0, 99_999) as f64) / 100.0)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::Bool(d.chance(0.5)),
        5 => {
            let n = d.range(0, 4);
            Value::Array((0..n).map(|_| json_value(d, depth + 1)).collect())
        }
        6 if d.chance(0.2) => Value::Null,
        _ => json_object(d, depth + 1),
    }
}

fn json_object(d: &mut Dice, depth: usize) -> Value {
    let mut m = Map::new();
    for _ in 0..d.range(1, 5) {
        m.insert(vocab::camel(&vocab::noun_words(d)), json_value(d, depth));
    }
    Value::Object(m)
}

fn to_xml(name: &str, v: &Value) -> El {
    match v {
        Value::Null => El::new(name).attr("type", "null"),
        Value::Bool(b) => El::leaf(name, b.to_string()).attr("type", "boolean"),
        Value::Number(n) => El::leaf(name, n.to_string()).attr("type", "number"),
        Value::String(s) => {
            if s.is_empty() {
                El::new(name)
            } else {
                El::leaf(name, s)
            }
        }
        Value::Array(a) => {
            let mut e = El::new(name).attr("type", "array");
            for x in a {
                e.push(to_xml("item", x));
            }
            e
        }
        Value::Object(m) => {
            let mut e = El::new(name).attr("type", "object");
            for (k, x) in m {
                e.push(to_xml(k, x));
            }
            e
        }
    }
}

/// Parses XML written with [`CONVENTION`] back to JSON: `(root name, value)`.
fn from_xml(xml: &str) -> std::result::Result<(String, Value), String> {
    struct Frame {
        name: String,
        ty: String,
        text: String,
        children: Vec<(String, Value)>,
    }
    fn finish(f: Frame) -> std::result::Result<(String, Value), String> {
        let v = match f.ty.as_str() {
            "null" => Value::Null,
            "boolean" => Value::Bool(
                f.text
                    .parse()
                    .map_err(|_| format!("bad boolean `{}`", f.text))?,
            ),
            "number" => serde_json::from_str::<serde_json::Number>(&f.text)
                .map(Value::Number)
                .map_err(|e| e.to_string())?,
            "array" => Value::Array(f.children.into_iter().map(|(_, v)| v).collect()),
            "object" => Value::Object(f.children.into_iter().collect()),
            "" => Value::String(f.text),
            other => return Err(format!("unknown type `{other}`")),
        };
        Ok((f.name, v))
    }
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let ev = r.read_event().map_err(|e| e.to_string())?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().into_inner().to_string();
                let mut ty = String::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    if a.key.into_inner() == "type" {
                        ty = a.value.to_string();
                    }
                }
                let frame = Frame {
                    name,
                    ty,
                    text: String::new(),
                    children: Vec::new(),
                };
                if matches!(ev, Event::Empty(_)) {
                    let done = finish(frame)?;
                    match stack.last_mut() {
                        Some(p) => p.children.push(done),
                        None => return Ok(done),
                    }
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                let f = stack.pop().ok_or("unbalanced end tag")?;
                let done = finish(f)?;
                match stack.last_mut() {
                    Some(p) => p.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(t) => {
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*g {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let Some(f) = stack.last_mut() {
                    f.text.push(c);
                }
            }
            Event::Eof => return Err("no root element".into()),
            _ => {}
        }
    }
}

fn json_to_xml(d: &mut Dice) -> Built {
    let v = json_object(d, 0);
    let root = vocab::camel(&[d.pick(NOUNS)]);
    let input = if d.chance(0.5) {
        serde_json::to_string_pretty(&v)
    } else {
        serde_json::to_string(&v)
    }
    .map_err(|e| e.to_string())?;
    let lead = d.pick(&[
        "Convert this JSON to XML",
        "Turn the following JSON object into an XML document",
        "Rewrite this JSON as XML",
    ]);
    let instruction = format!("{lead} with root element `<{root}>`. {CONVENTION}");
    let style = Style::draw(d, 0.2);
    let decl = d
        .chance(0.5)
        .then_some("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let output = XmlWriter {
        style: &style,
        attrs_per_line_over: usize::MAX,
    }
    .document(decl, &[], &to_xml(&root, &v));
    Ok((instruction, input, output))
}

fn xml_to_json(d: &mut Dice) -> Built {
    let v = json_object(d, 0);
    let root = vocab::camel(&[d.pick(NOUNS)]);
    let style = Style::draw(d, 0.2);
    let input = XmlWriter {
        style: &style,
        attrs_per_line_over: usize::MAX,
    }
    .document(None, &[], &to_xml(&root, &v));
    let instruction = format!(
        "Convert this XML to a JSON object (the content of `<{root}>`). It follows this convention: {CONVENTION}"
    );
    let output = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n";
    Ok((instruction, input, output))
}

// ---------------------------------------------------------------- MDX

fn mdx_add_prop(d: &mut Dice) -> Built {
    let comp = vocab::type_name(d);
    let q = if d.chance(0.5) { '"' } else { '\'' };
    let mut props = Vec::new();
    for k in d.some(
        &["title", "size", "variant", "items", "open", "color"],
        0,
        3,
    ) {
        props.push(match k {
            "size" | "items" => format!("{k}={{{}}}", d.range(1, 99)),
            "open" => k.to_string(),
            _ => format!("{k}={}", js_string(&vocab::phrase(d), q)),
        });
    }
    let new_key = vocab::camel(&[
        d.pick(ADJECTIVES),
        d.pick(&["label", "count", "mode", "limit", "tone", "icon"]),
    ]);
    let (new_val, val_desc) = match d.below(3) {
        0 => {
            let s = vocab::phrase(d);
            (js_string(&s, q), format!("the string \"{s}\""))
        }
        1 => {
            let n = d.range(0, 500);
            (format!("{{{n}}}"), format!("the number {n}"))
        }
        _ => {
            let b = d.pick(&["true", "false"]);
            (format!("{{{b}}}"), format!("`{b}`"))
        }
    };
    let attrs = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(" "))
    };
    let self_closing = d.chance(0.5);
    let child = vocab::sentence(d);
    let usage = |extra: &str| {
        if self_closing {
            format!("<{comp}{attrs}{extra} />")
        } else {
            format!("<{comp}{attrs}{extra}>\n  {child}\n</{comp}>")
        }
    };
    let head = format!(
        "---\ntitle: {}\n---\n\nimport {comp} from {}\n\n# {}\n\n{}",
        vocab::title(d),
        js_string(&format!("./{comp}"), q),
        vocab::title(d),
        vocab::paragraph(d, 1, 2)
    );
    let tail = vocab::paragraph(d, 1, 2);
    let input = format!("{head}\n\n{}\n\n{tail}\n", usage(""));
    let output = format!(
        "{head}\n\n{}\n\n{tail}\n",
        usage(&format!(" {new_key}={new_val}"))
    );
    let instruction = format!(
        "{} `{new_key}` prop set to {val_desc} to the `<{comp}>` component in this MDX page. Change nothing else.",
        d.pick(&["Add a", "Give the component a", "Pass a"])
    );
    Ok((instruction, input, output))
}

// ---------------------------------------------------------------- JSDoc

fn words_of(camel: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in camel.chars() {
        if c.is_uppercase() && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn jsdoc(d: &mut Dice) -> Built {
    let (src, name, params, returns) = js::plain_function(d, Dialect::Js);
    let w = words_of(&name);
    let summary = match w.split_first() {
        Some((verb, rest)) if !rest.is_empty() => format!(
            "{} the {}.",
            vocab::capitalize(&vocab::third_person(verb)),
            rest.join(" ")
        ),
        _ => format!("Runs the {} step.", w.join(" ")),
    };
    let mut doc = format!("/**\n * {summary}\n");
    if d.chance(0.4) {
        doc.push_str(&format!(" *\n * {}\n", vocab::sentence(d)));
    }
    for p in &params {
        let pw = words_of(p).join(" ");
        doc.push_str(&format!(" * @param {{*}} {p} - The {pw}.\n"));
    }
    if returns {
        doc.push_str(&format!(
            " * @returns {{*}} The {} result.\n",
            w.last().cloned().unwrap_or_default()
        ));
    }
    doc.push_str(" */\n");
    let output = format!("{doc}{src}");
    let instruction = d.pick(&[
        "Document this function with JSDoc: a one-line summary, an @param tag for every parameter and an @returns tag if it returns a value.",
        "Add a JSDoc comment to the following JavaScript function, describing each parameter and the return value.",
        "Write JSDoc for this function. Keep the code unchanged.",
    ]);
    Ok((instruction.to_string(), src, output))
}

// ---------------------------------------------------------------- checks

fn check(
    task: Task,
    instruction: &str,
    input: &str,
    output: &str,
) -> std::result::Result<(), String> {
    match task {
        Task::SvgFromDescription => {
            // Describe the shapes parsed back from the SVG the way the instruction
            // does: the instruction must contain exactly that list.
            let shapes = svg_shapes(output)?;
            if shapes.is_empty() || !output.contains("<title>") {
                return Err("SVG without shapes or title".into());
            }
            let list = match shapes.len() {
                1 => shapes[0].clone(),
                n => format!("{} and {}", shapes[..n - 1].join(", "), shapes[n - 1]),
            };
            instruction
                .contains(&format!("containing {list}, in that order"))
                .then_some(())
                .ok_or_else(|| "the SVG's shapes differ from the description".into())
        }
        Task::JsonToXml => {
            let want: Value = serde_json::from_str(input).map_err(|e| e.to_string())?;
            let (_, got) = from_xml(output)?;
            (got == want)
                .then_some(())
                .ok_or_else(|| "XML does not parse back to the input JSON".into())
        }
        Task::XmlToJson => {
            let (_, want) = from_xml(input)?;
            let got: Value = serde_json::from_str(output).map_err(|e| e.to_string())?;
            (got == want)
                .then_some(())
                .ok_or_else(|| "JSON differs from the XML's content".into())
        }
        Task::MdxAddProp => {
            // The output is the input with exactly one inserted attribute.
            let (a, b) = (input.as_bytes(), output.as_bytes());
            let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let suf = a
                .iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
            if b.len() <= a.len() || pre + suf < a.len() {
                return Err("output is not the input plus an insertion".into());
            }
            let inserted = &output[pre..output.len() - (a.len() - pre).min(suf)];
            let t = inserted.trim();
            if !t.contains('=') || t.contains('\n') || t.contains('<') {
                return Err(format!("inserted text `{inserted}` is not one prop"));
            }
            Ok(())
        }
        Task::Jsdoc => {
            let doc = Document::new(output, Language::JavaScript).with_path("src/task.js");
            let cfg = PairsConfig {
                min_docstring_tokens: 1,
                min_lines: 1,
                ..PairsConfig::default()
            };
            let pairs = extract_pairs(&doc, &cfg);
            let code_start = output.find("*/").map_or(0, |i| i + 2);
            let code = output[code_start..].trim();
            if code != input.trim() {
                return Err("code changed".into());
            }
            let p = pairs.first().ok_or("no documented function found")?;
            let params: Vec<&str> = p
                .docstring_tags
                .iter()
                .filter(|t| t.tag == "param")
                .filter_map(|t| t.name.as_deref())
                .collect();
            let src_params = input
                .find('(')
                .and_then(|i| input[i + 1..].find(')').map(|j| &input[i + 1..i + 1 + j]))
                .unwrap_or("");
            let expected: Vec<String> = src_params
                .split(',')
                .map(|s| s.split('=').next().unwrap_or("").trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if params.len() != expected.len() || params.iter().zip(&expected).any(|(a, b)| a != b) {
                return Err(format!(
                    "@param tags {params:?} do not match parameters {expected:?}"
                ));
            }
            if p.docstring.is_empty() {
                return Err("empty summary".into());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_xml_round_trip() {
        let mut d = Dice::from_u64(1);
        for _ in 0..200 {
            let v = json_object(&mut d, 0);
            let s = Style::draw(&mut d, 0.5);
            let xml = XmlWriter {
                style: &s,
                attrs_per_line_over: usize::MAX,
            }
            .document(None, &[], &to_xml("root", &v));
            let (name, back) = from_xml(&xml).unwrap();
            assert_eq!(name, "root");
            assert_eq!(back, v, "{xml}");
        }
    }

    #[test]
    fn checks_reject_wrong_answers() {
        assert!(check(
            Task::JsonToXml,
            "",
            r#"{"a": 1}"#,
            "<r type=\"object\"><a type=\"number\">2</a></r>"
        )
        .is_err());
        assert!(check(
            Task::JsonToXml,
            "",
            r#"{"a": 1}"#,
            "<r type=\"object\"><a type=\"number\">1</a></r>"
        )
        .is_ok());
        assert!(check(Task::MdxAddProp, "", "<A x={1} />\n", "<A x={1} y={2} />\n").is_ok());
        assert!(check(Task::MdxAddProp, "", "<A x={1} />\n", "<B x={1} />\n").is_err());
        let f = "function addOne(n) {\n  const m = n + 1;\n  return m;\n}\n";
        let good = format!("/**\n * Adds one.\n * @param {{*}} n - The n.\n */\n{f}");
        assert!(check(Task::Jsdoc, "", f, &good).is_ok());
        let bad = format!("/**\n * Adds one.\n */\n{f}");
        let svg = "<svg><title>t</title><circle cx=\"1\" cy=\"2\" r=\"3\" fill=\"red\"/></svg>";
        assert!(check(
            Task::SvgFromDescription,
            "containing a red circle centred at (1, 2) with radius 3, in that order",
            "",
            svg
        )
        .is_ok());
        assert!(check(
            Task::SvgFromDescription,
            "containing a blue circle centred at (1, 2) with radius 3, in that order",
            "",
            svg
        )
        .is_err());
        assert!(check(Task::Jsdoc, "", f, &bad).is_err());
    }
}
