#!/usr/bin/env node
// effective_labels.mjs: give each file of the langid evaluation corpus its
// "effective" label, the least language its content needs.
//
// The corpus labels come from file extensions. Content cannot show a superset
// language that the file does not use: a .ts file with no type syntax is
// JavaScript, a .jsx file with no JSX element is JavaScript, and so on. This
// script only reduces a label toward a subset language; it never promotes one.
//
// Usage: node scripts/langid/effective_labels.mjs [DIR]
//   DIR defaults to /tmp/langid-eval/files (layout DIR/<Label>/<file>).
//   Writes DIR/../effective.tsv and prints a summary table.
//   Parsers are loaded from $LANGID_TOOLS (default /tmp/langid-tools), set up
//   from the pinned scripts/langid/package.json (see README.md).

import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const DIR = path.resolve(process.argv[2] || '/tmp/langid-eval/files');
const OUT = path.join(path.dirname(DIR), 'effective.tsv');
const TOOLS = path.resolve(process.env.LANGID_TOOLS || '/tmp/langid-tools');

const requireTools = createRequire(path.join(TOOLS, 'package.json'));
async function load(name) {
  let resolved;
  try {
    resolved = requireTools.resolve(name);
  } catch (e) {
    console.error(`cannot find ${name} under ${TOOLS}/node_modules; install it with:\n` +
      `  mkdir -p ${TOOLS} && cp scripts/langid/package.json ${TOOLS}/ && npm install --prefix ${TOOLS}`);
    process.exit(2);
  }
  return import(pathToFileURL(resolved).href);
}

const acorn = await load('acorn');
const acornJsx = (await load('acorn-jsx')).default;
const ts = (await load('typescript')).default;
const { createProcessor } = await load('@mdx-js/mdx');

const JsxParser = acorn.Parser.extend(acornJsx());
const mdxProcessor = createProcessor();

// One line, no tabs, bounded length: safe for a TSV cell.
function clean(s, max = 120) {
  s = String(s).replace(/[\t\r\n]+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

// Try to parse `text` with `parser` as a module, then as a script.
// Returns { ok: true, how: 'module'|'script' } or { ok: false, err }.
function tryParse(parser, text, sourceTypes = ['module', 'script']) {
  let firstErr;
  for (const sourceType of sourceTypes) {
    try {
      parser.parse(text, {
        ecmaVersion: 'latest',
        sourceType,
        allowHashBang: true,
        allowReturnOutsideFunction: false,
        locations: false,
      });
      return { ok: true, how: sourceType };
    } catch (e) {
      if (!firstErr) firstErr = e; // report the module-mode error
    }
  }
  return { ok: false, err: clean(firstErr && firstErr.message) };
}

const MDX_NODE_TYPES = new Set([
  'mdxjsEsm',
  'mdxJsxFlowElement',
  'mdxJsxTextElement',
  'mdxFlowExpression',
  'mdxTextExpression',
]);

// A JSX element that Markdown could carry as raw HTML: a lowercase tag name whose
// attributes are all plain strings. Such an element does not make a file need MDX.
function htmlCompatible(node) {
  if (node.type !== 'mdxJsxFlowElement' && node.type !== 'mdxJsxTextElement') return false;
  if (!node.name || !/^[a-z][a-z0-9-]*$/.test(node.name)) return false;
  return (node.attributes || []).every(
    (a) => a.type === 'mdxJsxAttribute' && (a.value === null || typeof a.value === 'string'),
  );
}

function countMdxNodes(tree) {
  const counts = {};
  const stack = [tree];
  while (stack.length) {
    const node = stack.pop();
    if (MDX_NODE_TYPES.has(node.type) && !htmlCompatible(node)) counts[node.type] = (counts[node.type] || 0) + 1;
    if (node.children) for (const c of node.children) stack.push(c);
  }
  return counts;
}

// Removes // and /* */ comments outside strings, and commas before } or ].
function stripJsonc(text) {
  let out = '';
  let i = 0;
  let inStr = false;
  while (i < text.length) {
    const c = text[i];
    if (inStr) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inStr = false;
      i++;
    } else if (c === '"') {
      inStr = true;
      out += c;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function classify(label, text) {
  switch (label) {
    case 'JavaScript': {
      // The least language the content parses in: JSX inside a .js file needs JSX.
      const r = tryParse(acorn.Parser, text);
      if (r.ok) return ['JavaScript', `acorn ${r.how} parses`];
      const j = tryParse(JsxParser, text);
      return j.ok
        ? ['JSX', `acorn fails, acorn-jsx ${j.how} parses (JSX in a .js file)`]
        : ['JavaScript', `acorn and acorn-jsx fail: ${r.err}`];
    }

    case 'TypeScript': {
      const r = tryParse(acorn.Parser, text);
      return r.ok
        ? ['JavaScript', `acorn ${r.how} parses (no type syntax)`]
        : ['TypeScript', `acorn fails: ${r.err}`];
    }

    case 'JSX': {
      const r = tryParse(acorn.Parser, text);
      if (r.ok) return ['JavaScript', `acorn ${r.how} parses (no JSX)`];
      const j = tryParse(JsxParser, text);
      return j.ok
        ? ['JSX', `acorn fails, acorn-jsx ${j.how} parses`]
        : ['JSX', `acorn and acorn-jsx fail: ${j.err}`];
    }

    case 'TSX': {
      const r = tryParse(acorn.Parser, text);
      if (r.ok) return ['JavaScript', `acorn ${r.how} parses (no JSX, no types)`];
      const j = tryParse(JsxParser, text);
      if (j.ok) return ['JSX', `acorn-jsx ${j.how} parses (no type syntax)`];
      // TypeScript without JSX: the .ts parser reports no syntax error.
      const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
      if (sf.parseDiagnostics.length === 0) return ['TypeScript', 'parses as .ts (no JSX)'];
      return ['TSX', `acorn-jsx fails: ${j.err}`];
    }

    case 'MDX': {
      let tree;
      try {
        tree = mdxProcessor.parse(text);
      } catch (e) {
        const where = e.place ? ` @${e.place.line ?? e.place.start?.line}` : '';
        return ['MDX', `mdx parse error${where}: ${clean(e.reason || e.message)}`];
      }
      const counts = countMdxNodes(tree);
      const kinds = Object.keys(counts);
      if (kinds.length === 0) return ['Markdown', 'mdx parses, no ESM, expression or non-HTML JSX nodes'];
      return ['MDX', 'mdx nodes: ' + kinds.sort().map((k) => `${k}=${counts[k]}`).join(',')];
    }

    case 'JSON': {
      const bom = text.charCodeAt(0) === 0xfeff;
      const body = bom ? text.slice(1) : text;
      try {
        JSON.parse(body);
        return ['JSON', bom ? 'JSON.parse ok (after BOM)' : 'JSON.parse ok'];
      } catch (e) {
        const jsonErr = clean(e.message, 60);
        // JSON with comments and trailing commas (tsconfig, .vscode/*.json) is JSON
        // (linguist's "JSON with Comments").
        try {
          JSON.parse(stripJsonc(body));
          return ['JSON', `JSONC: parses after removing comments/trailing commas (${jsonErr})`];
        } catch (_) {
          /* not JSONC either */
        }
        const asExpr = tryParse(acorn.Parser, '(' + body + '\n)', ['script']);
        if (asExpr.ok) return ['JavaScript', `JSON.parse fails (${jsonErr}); acorn parses as expression`];
        const asScript = tryParse(acorn.Parser, body, ['script']);
        if (asScript.ok) return ['JavaScript', `JSON.parse fails (${jsonErr}); acorn parses as script`];
        return ['JSON', `JSON.parse fails (${jsonErr}); acorn fails: ${asExpr.err}`];
      }
    }

    default: // HTML, XML, CSS, Markdown
      return [label, 'unchanged'];
  }
}

const labels = readdirSync(DIR)
  .filter((d) => statSync(path.join(DIR, d)).isDirectory())
  .sort();

const rows = [];
for (const label of labels) {
  const files = readdirSync(path.join(DIR, label)).sort();
  for (const f of files) {
    const p = path.join(DIR, label, f);
    if (!statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    let effective, how;
    try {
      [effective, how] = classify(label, text);
    } catch (e) {
      [effective, how] = [label, `classifier error: ${clean(e.message)}`];
    }
    rows.push([`${label}/${f}`, label, effective, clean(how, 200)]);
  }
}

writeFileSync(
  OUT,
  ['file\tlabel\teffective\thow', ...rows.map((r) => r.join('\t'))].join('\n') + '\n',
);

// Summary: per label, count, and how many files went to each effective label.
const effs = [...new Set(rows.map((r) => r[2]))].sort();
const table = new Map();
for (const [, label, eff] of rows) {
  if (!table.has(label)) table.set(label, { n: 0 });
  const t = table.get(label);
  t.n++;
  t[eff] = (t[eff] || 0) + 1;
}
const header = ['label', 'count', ...effs];
const body = [...table.entries()].map(([label, t]) => [label, t.n, ...effs.map((e) => t[e] || '')]);
const total = ['TOTAL', rows.length, ...effs.map((e) => rows.filter((r) => r[2] === e).length)];
const all = [header, ...body, total].map((r) => r.map(String));
const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`wrote ${OUT} (${rows.length} files)`);
console.log('rows: corpus label; columns: effective label');
console.log(fmt(all[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of all.slice(1, -1)) console.log(fmt(r));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
console.log(fmt(all[all.length - 1]));
const reduced = rows.filter((r) => r[1] !== r[2]).length;
console.log(`reduced: ${reduced} of ${rows.length} files`);
