#!/usr/bin/env node
// label.mjs: reference labels of the issue-#15 held-out corpus.
//
//   node scripts/eval15/label.mjs OUT        (OUT from build_corpus.sh; default /tmp/eval15)
//   env: EVAL15_TOOLS=/tmp/eval15-tools (npm prefix of scripts/eval15/package.json),
//        EVAL15_PY=/tmp/eval15-py (pip --target of requirements.txt, for label_html.py)
//
// Writes OUT/labels.jsonl, one line per file of OUT/files/<Label>/, OUT/reencoded/<Label>/
// and OUT/broken/<Label>/:
//   {"path", "set": "files"|"reencoded"|"broken", "label" (extension label), "orig" (path in the
//    package), "package", "effective" (least language the content parses in, from
//    scripts/langid/effective_labels.mjs; not for broken/), "effective_how", "encoding"
//    (when not UTF-8), "ref": {"valid", "tool", "message"}}
//
// Reference verdicts, by extension label:
//   JavaScript  node/V8 with node's rules: .mjs = module (vm.SourceTextModule), .cjs =
//               CommonJS (vm.compileFunction with the CommonJS wrapper's parameters, what
//               node's loader compiles), .js = module, else CommonJS.
//   TypeScript  ts.createSourceFile(<original name>, text, Latest, false, TS).parseDiagnostics
//   TSX         the same with ScriptKind.TSX.
//   JSX         acorn + acorn-jsx (ecmaVersion latest): module, else script with return
//               outside functions (scripts/syntax/reference.mjs's rule).
//   HTML        html5lib 1.1, strict: any parse error = invalid (label_html.py).
//   CSS         postcss.parse throws = invalid.
//   XML         xmllint --noout --nonet (libxml2).
//   MDX         @mdx-js/mdx compile() with remark-frontmatter.
//   Markdown    @mdx-js/mdx compile() with format 'md' and remark-frontmatter (CommonMark
//               has no invalid input: this only catches crashes).
//   JSON        JSON.parse (after a BOM). tsconfig-style files (tsconfig*.json,
//               jsconfig*.json, anything under .vscode/) are JSON with comments: valid
//               when JSON.parse accepts them after removing comments and trailing commas.
// Legacy-encoded files are decoded with the encoding build_corpus.sh recorded (WHATWG
// TextDecoder) before parsing; html5lib and xmllint get the same decoded text / the file.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (typeof vm.SourceTextModule !== 'function') {
  // vm.SourceTextModule needs --experimental-vm-modules: re-run with it.
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', ...process.argv.slice(1)],
    { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUT = path.resolve(process.argv[2] || '/tmp/eval15');
const TOOLS = path.resolve(process.env.EVAL15_TOOLS || '/tmp/eval15-tools');
const PY = path.resolve(process.env.EVAL15_PY || '/tmp/eval15-py');
const req = createRequire(path.join(TOOLS, 'package.json'));
const load = async (n) => import(pathToFileURL(req.resolve(n)).href);
const acorn = await load('acorn');
const acornJsx = (await load('acorn-jsx')).default;
const ts = (await load('typescript')).default;
const postcss = (await load('postcss')).default;
const { compile } = await load('@mdx-js/mdx');
const remarkFrontmatter = (await load('remark-frontmatter')).default;
const JsxParser = acorn.Parser.extend(acornJsx());

const clean = (s, max = 200) => {
  s = String(s ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};

// ---------------------------------------------------------------- inputs
const manifest = fs.readFileSync(path.join(OUT, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t')).map(([label, pkg, rel, bytes, sha1, file, encoding]) => ({ label, pkg, rel, file, encoding }));
const byFile = new Map(manifest.map((m) => [`${m.label}/${m.file}`, m]));

// Effective labels: scripts/langid/effective_labels.mjs, unchanged, over OUT/files.
const eff = spawnSync(process.execPath, [path.join(ROOT, 'scripts/langid/effective_labels.mjs'), path.join(OUT, 'files')],
  { env: { ...process.env, LANGID_TOOLS: TOOLS }, encoding: 'utf8', maxBuffer: 1 << 26 });
if (eff.status !== 0) { console.error(eff.stderr); process.exit(1); }
console.error(eff.stdout.trim());
const effective = new Map();
for (const l of fs.readFileSync(path.join(OUT, 'effective.tsv'), 'utf8').trim().split('\n').slice(1)) {
  const [file, , e, how] = l.split('\t');
  effective.set(file, [e, how]);
}

// WHATWG label for a Python codec name (charset-normalizer's naming).
function whatwg(enc) {
  const e = enc.toLowerCase().replace(/_/g, '-');
  const map = { 'latin-1': 'iso-8859-1', 'cp932': 'shift_jis', 'shift-jis': 'shift_jis', 'cp949': 'euc-kr',
    'mac-roman': 'macintosh', 'utf-16': 'utf-16le', 'kz1048': 'windows-1251' };
  if (map[e]) return map[e];
  let m = e.match(/^cp(125\d)$/); if (m) return `windows-${m[1]}`;
  m = e.match(/^iso8859-(\d+)$/); if (m) return `iso-8859-${m[1]}`;
  return e;
}
function readText(abs, encoding) {
  const buf = fs.readFileSync(abs);
  if (!encoding) return buf.toString('utf8').replace(/^\uFEFF/, '');
  try { return new TextDecoder(whatwg(encoding)).decode(buf).replace(/^\uFEFF/, ''); }
  catch { return new TextDecoder('windows-1252').decode(buf); }
}

// ---------------------------------------------------------------- checks
const CJS_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
function v8Module(text, filename) {
  try { new vm.SourceTextModule(text, { identifier: filename }); return null; } catch (e) { return e.message; }
}
function v8Cjs(text, filename) {
  try { vm.compileFunction(text, CJS_PARAMS, { filename }); return null; } catch (e) { return e.message; }
}
function checkJs(text, orig) {
  const ext = orig.toLowerCase().split('.').pop();
  const f = path.basename(orig);
  if (ext === 'mjs') { const m = v8Module(text, f); return [!m, 'node/V8 module (.mjs)', m]; }
  if (ext === 'cjs') { const c = v8Cjs(text, f); return [!c, 'node/V8 CommonJS (.cjs)', c]; }
  const m = v8Module(text, f);
  if (!m) return [true, 'node/V8 module (.js)', null];
  const c = v8Cjs(text, f);
  return c ? [false, 'node/V8 module and CommonJS (.js)', `module: ${m}; CommonJS: ${c}`] : [true, 'node/V8 CommonJS (.js)', null];
}
function checkTs(text, orig, tsx) {
  const sf = ts.createSourceFile(path.basename(orig), text, ts.ScriptTarget.Latest, false,
    tsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const d = sf.parseDiagnostics || [];
  const where = d.length ? (() => { const p = sf.getLineAndCharacterOfPosition(d[0].start); return `${p.line + 1}:${p.character + 1} `; })() : '';
  return [d.length === 0, `typescript ${ts.version} parseDiagnostics (${tsx ? 'TSX' : 'TS'})`,
    d.length ? where + ts.flattenDiagnosticMessageText(d[0].messageText, ' ') : null];
}
function checkJsx(text) {
  const base = { ecmaVersion: 'latest', allowHashBang: true };
  try { JsxParser.parse(text, { ...base, sourceType: 'module' }); return [true, 'acorn-jsx module', null]; } catch (e) {
    try { JsxParser.parse(text, { ...base, sourceType: 'script', allowReturnOutsideFunction: true }); return [true, 'acorn-jsx script', null]; }
    catch { return [false, 'acorn-jsx', e.message]; }
  }
}
function checkCss(text) {
  try { postcss.parse(text); return [true, 'postcss.parse', null]; } catch (e) { return [false, 'postcss.parse', e.message]; }
}
function checkXml(abs) {
  const r = spawnSync('xmllint', ['--noout', '--nonet', abs], { encoding: 'utf8' });
  return [r.status === 0, 'xmllint --noout --nonet', r.status === 0 ? null : (r.stderr || '').split('\n')[0].replace(abs, '<file>')];
}
async function checkMdx(text, format) {
  try { await compile(text, { format, remarkPlugins: [remarkFrontmatter] }); return [true, `@mdx-js/mdx compile (${format})`, null]; }
  catch (e) { return [false, `@mdx-js/mdx compile (${format})`, String(e.message || e)]; }
}
function stripJsonc(text) {
  let out = '', i = 0, inStr = false;
  while (i < text.length) {
    const c = text[i];
    if (inStr) { out += c; if (c === '\\') { out += text[i + 1] ?? ''; i += 2; continue; } if (c === '"') inStr = false; i++; }
    else if (c === '"') { inStr = true; out += c; i++; }
    else if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; }
    else if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; }
    else { out += c; i++; }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
const JSONC = /(^|\/)(\.vscode\/[^/]*|[tj]sconfig[^/]*)\.json$/i;
function checkJson(text, orig) {
  try { JSON.parse(text); return [true, 'JSON.parse', null]; } catch (e) {
    if (JSONC.test(orig)) {
      try { JSON.parse(stripJsonc(text)); return [true, 'JSON.parse after removing comments/trailing commas (tsconfig-style JSONC)', null]; }
      catch (e2) { return [false, 'JSON.parse (JSONC)', e2.message]; }
    }
    return [false, 'JSON.parse', e.message];
  }
}

// ---------------------------------------------------------------- run
const rows = [];
const htmlJobs = [];
for (const set of ['files', 'reencoded', 'broken']) {
  const base = path.join(OUT, set);
  if (!fs.existsSync(base)) continue;
  for (const label of fs.readdirSync(base).sort()) {
    for (const file of fs.readdirSync(path.join(base, label)).sort()) {
      const abs = path.join(base, label, file);
      const original = set === 'files' ? file : file.slice(file.indexOf('__') + 2);
      const m = byFile.get(`${label}/${original}`) || {};
      const row = { path: `${set}/${label}/${file}`, set, label, orig: m.rel || original, package: m.pkg };
      if (set === 'broken') row.mutation = file.slice(0, file.indexOf('__'));
      if (set === 'files') {
        const [e, how] = effective.get(`${label}/${file}`) || [label, 'missing'];
        row.effective = e; row.effective_how = how;
      }
      if (m.encoding && set === 'files') row.encoding = m.encoding;
      if (set === 'reencoded') {
        row.encoding = file.slice(0, file.indexOf('__'));
        const [e, how] = effective.get(`${label}/${original}`) || [label, 'missing'];
        row.effective = e; row.effective_how = how;
      }
      const text = readText(abs, row.encoding);
      let r;
      switch (label) {
        case 'JavaScript': r = checkJs(text, row.orig); break;
        case 'TypeScript': r = checkTs(text, row.orig, false); break;
        case 'TSX': r = checkTs(text, row.orig, true); break;
        case 'JSX': r = checkJsx(text); break;
        case 'CSS': r = checkCss(text); break;
        case 'XML': r = checkXml(abs); break;
        case 'MDX': r = await checkMdx(text, 'mdx'); break;
        case 'Markdown': r = await checkMdx(text, 'md'); break;
        case 'JSON': r = checkJson(text, row.orig); break;
        case 'HTML': htmlJobs.push([rows.length, abs, row.encoding ? whatwg(row.encoding) : '']); r = null; break;
        default: r = [null, 'none', 'no reference tool'];
      }
      if (r) row.ref = { valid: r[0], tool: r[1], message: r[2] ? clean(r[2]) : null };
      rows.push(row);
    }
  }
}
if (htmlJobs.length) {
  const py = spawnSync('python3', [path.join(HERE, 'label_html.py')], {
    input: htmlJobs.map((j) => `${j[1]}\t${j[2]}`).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28,
    env: { ...process.env, PYTHONPATH: PY + (process.env.PYTHONPATH ? ':' + process.env.PYTHONPATH : '') },
  });
  if (py.status !== 0) { console.error(py.stderr); process.exit(1); }
  const res = py.stdout.trim().split('\n').map((l) => JSON.parse(l));
  res.forEach((r, i) => { rows[htmlJobs[i][0]].ref = { valid: r.valid, tool: r.tool, message: r.message ? clean(r.message) : null }; });
}
fs.writeFileSync(path.join(OUT, 'labels.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

// summary: per set/label, files and reference-valid share
const agg = new Map();
for (const r of rows) {
  const k = `${r.set}\t${r.label}`;
  const a = agg.get(k) || { n: 0, valid: 0 }; a.n++; a.valid += r.ref && r.ref.valid ? 1 : 0; agg.set(k, a);
}
console.error(`wrote ${path.join(OUT, 'labels.jsonl')} (${rows.length} files)`);
for (const [k, a] of [...agg].sort()) console.error(`  ${k.replace('\t', ' ').padEnd(22)} ${String(a.n).padStart(5)} files, reference-valid ${a.valid}`);
