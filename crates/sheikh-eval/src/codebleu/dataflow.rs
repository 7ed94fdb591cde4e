//! CodeBLEU's semantic data-flow match: a port of `parser/DFG.py::DFG_javascript`,
//! `dataflow_match.get_data_flow` and `normalize_dataflow` from the `codebleu` package.
//!
//! Kept from the reference, on purpose: the node kinds it reacts to
//! (`variable_declarator`, `assignment_pattern`, `augmented_assignment_expression`,
//! `update_expression`, `if_statement`/`else`, `for_statement`, `while_statement`; a
//! plain `assignment_expression` is *not* among them), substring tests on `"else"`,
//! the `variable_declaration` test in `for` loops, tokens sliced by byte columns, and
//! an empty graph whenever the Python code would raise (a missing field, a tree deeper
//! than Python's recursion limit). Where Python builds `list(set(names))`, whose order
//! depends on the interpreter's string-hash seed, we reproduce CPython's order under
//! `PYTHONHASHSEED=0` ([`super::pyset`]), so results are deterministic and equal to a
//! seeded run of the package.

use std::collections::{BTreeMap, HashMap, HashSet};

use tree_sitter::{Node, Tree};

use super::pytext::PyLines;

/// Trees deeper than this get an empty data-flow graph: the reference recurses once
/// per tree level and Python's default recursion limit is 1000 frames, a few of which
/// are taken by its callers; its `except Exception` then yields an empty graph.
pub(crate) const MAX_DEPTH: usize = 990;

type Span = (usize, usize, usize, usize);

fn span(node: &Node<'_>) -> Span {
    let s = node.start_position();
    let e = node.end_position();
    (s.row, s.column, e.row, e.column)
}

/// `comesFrom` / `computedFrom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Relation {
    ComesFrom,
    ComputedFrom,
}

/// One DFG entry: `(code, idx, relation, [parent codes], [parent idx])`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Edge {
    code: String,
    idx: usize,
    rel: Relation,
    parents: Vec<String>,
    parent_idx: Vec<usize>,
}

/// A normalised entry: variable names replaced by `var_<i>` in order of appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NormEdge {
    var: usize,
    rel: Relation,
    parents: Vec<usize>,
}

/// Python raised: the whole graph is empty.
struct Raised;

type States = BTreeMap<String, Vec<usize>>;

struct Ctx<'a> {
    index_to_code: HashMap<Span, (usize, String)>,
    /// `await` parsed as an identifier by the newer grammar (a keyword in 0.21).
    await_keywords: HashSet<usize>,
    _lines: PyLines<'a>,
}

fn is_leaf(node: &Node<'_>) -> bool {
    (node.child_count() == 0
        || matches!(
            node.kind(),
            "string_literal" | "string" | "character_literal"
        ))
        && node.kind() != "comment"
}

/// `tree_to_token_index`.
fn token_spans(node: Node<'_>, out: &mut Vec<Span>) {
    if is_leaf(&node) {
        out.push(span(&node));
    } else {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            token_spans(child, out);
        }
    }
}

/// `tree_to_variable_index`: spans of the tokens under `node` whose text differs from
/// their kind (identifiers, literals — not keywords or punctuation).
fn variable_spans(node: Node<'_>, ctx: &Ctx<'_>, out: &mut Vec<Span>) -> Result<(), Raised> {
    if is_leaf(&node) {
        let sp = span(&node);
        let (_, code) = ctx.index_to_code.get(&sp).ok_or(Raised)?;
        if node.kind() != code && !ctx.await_keywords.contains(&node.id()) {
            out.push(sp);
        }
    } else {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            variable_spans(child, ctx, out)?;
        }
    }
    Ok(())
}

fn sort_by_idx(mut dfg: Vec<Edge>) -> Vec<Edge> {
    dfg.sort_by_key(|e| e.idx);
    dfg
}

/// Python `list(set(a + b))` for names, in CPython's order with `PYTHONHASHSEED=0`.
fn union_names(a: &[String], b: &[String]) -> Vec<String> {
    let v: Vec<String> = a.iter().chain(b).cloned().collect();
    super::pyset::py_set_order(&v)
}

fn union_idx(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = a.iter().chain(b).copied().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// `(code, idx, relation)`, the key loop entries are merged by.
type LoopKey = (String, usize, Relation);

/// The loop epilogue: entries with the same `(code, idx, relation)` merged, in order
/// of first appearance, then sorted by `idx`.
fn merge_loop_entries(dfg: Vec<Edge>) -> Vec<Edge> {
    let mut order: Vec<LoopKey> = Vec::new();
    let mut dic: HashMap<LoopKey, (Vec<String>, Vec<usize>)> = HashMap::new();
    for e in dfg {
        let key = (e.code, e.idx, e.rel);
        match dic.get_mut(&key) {
            None => {
                order.push(key.clone());
                dic.insert(key, (e.parents, e.parent_idx));
            }
            Some((p, pi)) => {
                *p = union_names(p, &e.parents);
                *pi = union_idx(pi, &e.parent_idx);
            }
        }
    }
    let mut out: Vec<Edge> = order
        .into_iter()
        .map(|key| {
            let (parents, parent_idx) = dic.remove(&key).expect("key inserted above");
            Edge {
                code: key.0,
                idx: key.1,
                rel: key.2,
                parents,
                parent_idx,
            }
        })
        .collect();
    out.sort_by_key(|e| e.idx);
    out
}

const IF_STATEMENT: [&str; 2] = ["if_statement", "else"];

/// `DFG_javascript(root_node, index_to_code, states)`.
fn dfg(node: Node<'_>, ctx: &Ctx<'_>, mut states: States) -> Result<(Vec<Edge>, States), Raised> {
    let kind = node.kind();
    if is_leaf(&node) {
        let (idx, code) = ctx.index_to_code.get(&span(&node)).ok_or(Raised)?;
        let idx = *idx;
        if kind == code || ctx.await_keywords.contains(&node.id()) {
            return Ok((Vec::new(), states));
        }
        if let Some(prev) = states.get(code) {
            let e = Edge {
                code: code.clone(),
                idx,
                rel: Relation::ComesFrom,
                parents: vec![code.clone()],
                parent_idx: prev.clone(),
            };
            return Ok((vec![e], states));
        }
        if kind == "identifier" {
            states.insert(code.clone(), vec![idx]);
        }
        let e = Edge {
            code: code.clone(),
            idx,
            rel: Relation::ComesFrom,
            parents: vec![],
            parent_idx: vec![],
        };
        return Ok((vec![e], states));
    }
    match kind {
        "variable_declarator" => {
            let name = node.child_by_field_name("name").ok_or(Raised)?;
            let mut out = Vec::new();
            match node.child_by_field_name("value") {
                None => {
                    let mut idxs = Vec::new();
                    variable_spans(name, ctx, &mut idxs)?;
                    for sp in idxs {
                        let (idx, code) = ctx.index_to_code.get(&sp).ok_or(Raised)?;
                        out.push(Edge {
                            code: code.clone(),
                            idx: *idx,
                            rel: Relation::ComesFrom,
                            parents: vec![],
                            parent_idx: vec![],
                        });
                        states.insert(code.clone(), vec![*idx]);
                    }
                }
                Some(value) => {
                    let mut name_idxs = Vec::new();
                    variable_spans(name, ctx, &mut name_idxs)?;
                    let mut value_idxs = Vec::new();
                    variable_spans(value, ctx, &mut value_idxs)?;
                    let (temp, st) = dfg(value, ctx, states)?;
                    states = st;
                    out.extend(temp);
                    for sp1 in &name_idxs {
                        let (idx1, code1) = ctx.index_to_code.get(sp1).ok_or(Raised)?;
                        for sp2 in &value_idxs {
                            let (idx2, code2) = ctx.index_to_code.get(sp2).ok_or(Raised)?;
                            out.push(Edge {
                                code: code1.clone(),
                                idx: *idx1,
                                rel: Relation::ComesFrom,
                                parents: vec![code2.clone()],
                                parent_idx: vec![*idx2],
                            });
                        }
                        states.insert(code1.clone(), vec![*idx1]);
                    }
                }
            }
            Ok((sort_by_idx(out), states))
        }
        "assignment_pattern" | "augmented_assignment_expression" => {
            let left = node.child_by_field_name("left").ok_or(Raised)?;
            let right = node.child_by_field_name("right").ok_or(Raised)?;
            let (mut out, st) = dfg(right, ctx, states)?;
            states = st;
            let mut name_idxs = Vec::new();
            variable_spans(left, ctx, &mut name_idxs)?;
            let mut value_idxs = Vec::new();
            variable_spans(right, ctx, &mut value_idxs)?;
            for sp1 in &name_idxs {
                let (idx1, code1) = ctx.index_to_code.get(sp1).ok_or(Raised)?;
                for sp2 in &value_idxs {
                    let (idx2, code2) = ctx.index_to_code.get(sp2).ok_or(Raised)?;
                    out.push(Edge {
                        code: code1.clone(),
                        idx: *idx1,
                        rel: Relation::ComputedFrom,
                        parents: vec![code2.clone()],
                        parent_idx: vec![*idx2],
                    });
                }
                states.insert(code1.clone(), vec![*idx1]);
            }
            Ok((sort_by_idx(out), states))
        }
        "update_expression" => {
            let mut idxs = Vec::new();
            variable_spans(node, ctx, &mut idxs)?;
            let mut out = Vec::new();
            for sp1 in &idxs {
                let (idx1, code1) = ctx.index_to_code.get(sp1).ok_or(Raised)?;
                for sp2 in &idxs {
                    let (idx2, code2) = ctx.index_to_code.get(sp2).ok_or(Raised)?;
                    out.push(Edge {
                        code: code1.clone(),
                        idx: *idx1,
                        rel: Relation::ComputedFrom,
                        parents: vec![code2.clone()],
                        parent_idx: vec![*idx2],
                    });
                }
                states.insert(code1.clone(), vec![*idx1]);
            }
            Ok((sort_by_idx(out), states))
        }
        "if_statement" | "else" => {
            let mut out = Vec::new();
            let mut current = states.clone();
            let mut others: Vec<States> = Vec::new();
            let mut flag = false;
            let mut tag = kind.contains("else");
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                if child.kind().contains("else") {
                    tag = true;
                }
                if !IF_STATEMENT.contains(&child.kind()) && !flag {
                    let (temp, st) = dfg(child, ctx, current)?;
                    current = st;
                    out.extend(temp);
                } else {
                    flag = true;
                    let (temp, st) = dfg(child, ctx, states.clone())?;
                    out.extend(temp);
                    others.push(st);
                }
            }
            others.push(current);
            if !tag {
                others.push(states.clone());
            }
            let mut new_states: States = BTreeMap::new();
            for dic in &others {
                for (k, v) in dic {
                    new_states.entry(k.clone()).or_default().extend(v);
                }
            }
            for (k, v) in &states {
                new_states.entry(k.clone()).or_default().extend(v);
            }
            for v in new_states.values_mut() {
                v.sort_unstable();
                v.dedup();
            }
            Ok((sort_by_idx(out), new_states))
        }
        "for_statement" => {
            let mut out = Vec::new();
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            for child in &children {
                let (temp, st) = dfg(*child, ctx, states)?;
                states = st;
                out.extend(temp);
            }
            let mut flag = false;
            for child in &children {
                if flag {
                    let (temp, st) = dfg(*child, ctx, states)?;
                    states = st;
                    out.extend(temp);
                } else if child.kind() == "variable_declaration" {
                    flag = true;
                }
            }
            Ok((merge_loop_entries(out), states))
        }
        "while_statement" => {
            let mut out = Vec::new();
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            for _ in 0..2 {
                for child in &children {
                    let (temp, st) = dfg(*child, ctx, states)?;
                    states = st;
                    out.extend(temp);
                }
            }
            Ok((merge_loop_entries(out), states))
        }
        _ => {
            let mut out = Vec::new();
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            for child in children {
                let (temp, st) = dfg(child, ctx, states)?;
                states = st;
                out.extend(temp);
            }
            Ok((sort_by_idx(out), states))
        }
    }
}

fn tree_depth(tree: &Tree) -> usize {
    let mut cursor = tree.walk();
    let mut depth = 1usize;
    let mut max = 1usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            max = max.max(depth);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return max;
            }
            depth -= 1;
        }
    }
}

/// `get_data_flow(code, parser)`: the DFG of `code` (already parsed into `tree`),
/// restricted to entries that have parents or are somebody's parent, with entries of
/// the same token merged.
pub(crate) fn data_flow(code: &str, tree: &Tree) -> Vec<Edge> {
    let depth = tree_depth(tree);
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    if depth <= INLINE_DEPTH {
        return data_flow_inner(code, tree);
    }
    // The port recurses once per tree level, like the reference; deep trees get a
    // thread with a stack large enough for MAX_DEPTH levels (pages are only committed
    // when touched).
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("codebleu-dfg".into())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, || data_flow_inner(code, tree))
            .ok()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    })
}

/// Trees up to this depth are walked on the caller's stack.
const INLINE_DEPTH: usize = 48;
/// Stack of the thread that walks deeper trees (a debug build needs ~20 KB per level).
const DEEP_STACK_BYTES: usize = 64 << 20;

fn data_flow_inner(code: &str, tree: &Tree) -> Vec<Edge> {
    let root = tree.root_node();
    let mut spans = Vec::new();
    token_spans(root, &mut spans);
    let lines = PyLines::new(code);
    let mut index_to_code = HashMap::with_capacity(spans.len());
    for (idx, sp) in spans.iter().enumerate() {
        let Some(text) = lines.token((sp.0, sp.1), (sp.2, sp.3)) else {
            // Python's IndexError, caught by get_data_flow's outer `except`.
            return Vec::new();
        };
        index_to_code.insert(*sp, (idx, text));
    }
    let ctx = Ctx {
        index_to_code,
        await_keywords: super::compat::AwaitCalls::find(tree, code).callees,
        _lines: lines,
    };
    let graph = match dfg(root, &ctx, States::new()) {
        Ok((g, _)) => g,
        Err(Raised) => Vec::new(),
    };
    let graph = sort_by_idx(graph);
    let mut keep: HashSet<usize> = HashSet::new();
    for d in &graph {
        if !d.parent_idx.is_empty() {
            keep.insert(d.idx);
        }
        keep.extend(d.parent_idx.iter().copied());
    }
    let mut order: Vec<usize> = Vec::new();
    let mut merged: HashMap<usize, Edge> = HashMap::new();
    for d in graph.into_iter().filter(|d| keep.contains(&d.idx)) {
        match merged.get_mut(&d.idx) {
            None => {
                order.push(d.idx);
                merged.insert(d.idx, d);
            }
            Some(prev) => {
                let parents = union_names(&prev.parents, &d.parents);
                let parent_idx = union_idx(&prev.parent_idx, &d.parent_idx);
                *prev = Edge {
                    code: d.code,
                    idx: d.idx,
                    rel: d.rel,
                    parents,
                    parent_idx,
                };
            }
        }
    }
    order
        .into_iter()
        .map(|i| merged.remove(&i).expect("inserted"))
        .collect()
}

/// `normalize_dataflow`: names numbered in order of first appearance, parents before
/// the variable itself.
pub(crate) fn normalize(dfg: &[Edge]) -> Vec<NormEdge> {
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(dfg.len());
    for e in dfg {
        for p in &e.parents {
            let n = names.len();
            names.entry(p.as_str()).or_insert(n);
        }
        let n = names.len();
        let var = *names.entry(e.code.as_str()).or_insert(n);
        let parents = e.parents.iter().map(|p| names[p.as_str()]).collect();
        out.push(NormEdge {
            var,
            rel: e.rel,
            parents,
        });
    }
    out
}

/// `(matched, total)`: reference entries found in the candidate's (each candidate entry
/// used once) and the number of reference entries.
pub(crate) fn dataflow_counts(candidate: &[NormEdge], reference: &[NormEdge]) -> (u64, u64) {
    let mut cand: Vec<Option<&NormEdge>> = candidate.iter().map(Some).collect();
    let mut matched = 0u64;
    for r in reference {
        if let Some(slot) = cand.iter_mut().find(|c| c.is_some_and(|c| c == r)) {
            *slot = None;
            matched += 1;
        }
    }
    (matched, reference.len() as u64)
}
