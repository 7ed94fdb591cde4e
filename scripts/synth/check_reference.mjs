#!/usr/bin/env node
// check_reference.mjs: checks sheikh-synth's generated samples with the reference tools.
//
//   node check_reference.mjs SAMPLES.jsonl OUT [--show N]
//   env: SYNTH_TOOLS=/tmp/synth-ref-tools (npm prefix holding scripts/synth/package.json)
//
// SAMPLES.jsonl is what `synth_bench --out` writes (one sheikh Document per line, with
// `content` and `metadata.synth.{kind, family, index}`). Every sample is written to
// OUT/files/<kind>/<family>-<index>.<ext> and checked there; OUT/results.jsonl gets one
// line per sample and OUT/summary.json the counts. Exit status 1 when any sample fails.
//
// Reference verdicts (a sample is accepted when every check of its kind accepts it):
//   javascript  How the samples are meant to run: a sample with a top-level `import` or
//               `export` line is an ES module (file .mjs), otherwise CommonJS (file .cjs).
//               v8:    node's own compiler. Modules: vm.SourceTextModule (what node's ESM
//                      loader compiles); CommonJS: vm.compileFunction with the CommonJS
//                      wrapper's parameters (what node's CJS loader compiles).
//               acorn: acorn.parse, ecmaVersion latest, sourceType module / script.
//   typescript  ts:    ts.createSourceFile(name, text, Latest, false, ScriptKind.TS)
//                      .parseDiagnostics must be empty.
//   tsx         the same with ScriptKind.TSX.
//               ts+v8: the file through ts.transpileModule (ESNext, jsx react-jsx), the
//                      emitted JavaScript through vm.SourceTextModule. TypeScript's parser
//                      leaves some JavaScript early errors (mixing ?? with || / &&,
//                      duplicate lexical declarations) to the type checker; V8 reports
//                      them on the emitted code, whose expressions are the sample's own.
//   jsx         acorn: acorn + acorn-jsx, module / script as for javascript.
//               ts+v8: as for tsx, with ScriptKind.JSX.
//   xml         xmllint: xmllint --noout --nonet FILE (libxml2) exits 0.
//   mdx         mdx:   @mdx-js/mdx compile() with remark-frontmatter.
//               mdx+v8: the compiled program through vm.SourceTextModule.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

if (typeof vm.SourceTextModule !== 'function') {
  // vm.SourceTextModule needs --experimental-vm-modules: re-run with it.
  const r = spawnSync(process.execPath,
    ['--experimental-vm-modules', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
let show = 5;
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--show') show = Number(args[++i]);
  else pos.push(args[i]);
}
if (pos.length !== 2) {
  console.error('usage: node check_reference.mjs SAMPLES.jsonl OUT [--show N]');
  process.exit(2);
}
const [INPUT, OUT] = pos.map((p) => path.resolve(p));
const TOOLS = path.resolve(process.env.SYNTH_TOOLS || '/tmp/synth-ref-tools');
const req = createRequire(path.join(TOOLS, 'package.json'));
const load = async (n) => import(pathToFileURL(req.resolve(n)).href);
const acorn = await load('acorn');
const acornJsx = (await load('acorn-jsx')).default;
const ts = (await load('typescript')).default;
const { compile } = await load('@mdx-js/mdx');
const remarkFrontmatter = (await load('remark-frontmatter')).default;
const JsxParser = acorn.Parser.extend(acornJsx());
const version = (n) => JSON.parse(fs.readFileSync(path.join(TOOLS, 'node_modules', n, 'package.json'), 'utf8')).version;
const xmllintVersion = (spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).stderr || '')
  .split('\n')[0].trim();

const clean = (s, max = 240) => {
  s = String(s ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};
// "line:column" of a SyntaxError from V8 (its stack names the file and line).
const where = (e, file) => {
  const m = String(e.stack || '').match(new RegExp(`${path.basename(file).replace(/\./g, '\\.')}:(\\d+)`));
  return m ? ` (line ${m[1]})` : '';
};

const CJS_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
const isModule = (text) => /^(import|export)\b/m.test(text);

function v8Module(text, file) {
  try { new vm.SourceTextModule(text, { identifier: file }); return null; }
  catch (e) { return `${e.name}: ${e.message}${where(e, file)}`; }
}
function v8Cjs(text, file) {
  try { vm.compileFunction(text, CJS_PARAMS, { filename: file }); return null; }
  catch (e) { return `${e.name}: ${e.message}${where(e, file)}`; }
}
function acornParse(parser, text, module) {
  try { parser.parse(text, { ecmaVersion: 'latest', sourceType: module ? 'module' : 'script', locations: true }); return null; }
  catch (e) { return `${e.name}: ${e.message}`; }
}
function tsParse(file, text, kind) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const d = sf.parseDiagnostics || [];
  if (d.length === 0) return null;
  const { line, character } = sf.getLineAndCharacterOfPosition(d[0].start ?? 0);
  return `TS${d[0].code}: ${ts.flattenDiagnosticMessageText(d[0].messageText, '\n')} (line ${line + 1}:${character + 1})`
    + (d.length > 1 ? ` (+${d.length - 1} more)` : '');
}
function tsThenV8(file, text) {
  const out = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.ReactJSX,
      allowJs: true, isolatedModules: true, verbatimModuleSyntax: false,
    },
  });
  return v8Module(out.outputText, `${file}.emitted.mjs`);
}
function xmllint(file) {
  const r = spawnSync('xmllint', ['--noout', '--nonet', file], { encoding: 'utf8' });
  return r.status === 0 ? null : clean((r.stderr || `exit ${r.status}`).split('\n').slice(0, 2).join(' '));
}
async function mdx(text, file) {
  let js;
  try { js = String(await compile(text, { remarkPlugins: [remarkFrontmatter] })); }
  catch (e) { return [`mdx: ${e.message || e}`, null]; }
  return [null, v8Module(js, `${file}.compiled.mjs`)];
}

const EXT = { javascript: null, typescript: 'ts', tsx: 'tsx', jsx: 'jsx', xml: 'xml', mdx: 'mdx' };
const CHECKS = {
  javascript: ['v8', 'acorn'], typescript: ['ts', 'ts+v8'], tsx: ['ts', 'ts+v8'],
  jsx: ['acorn', 'ts+v8'], xml: ['xmllint'], mdx: ['mdx', 'mdx+v8'],
};

async function check(kind, text, file) {
  const r = {};
  switch (kind) {
    case 'javascript': {
      const m = isModule(text);
      r.v8 = m ? v8Module(text, file) : v8Cjs(text, file);
      r.acorn = acornParse(acorn.Parser, text, m);
      break;
    }
    case 'typescript':
    case 'tsx':
      r.ts = tsParse(file, text, kind === 'tsx' ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      r['ts+v8'] = tsThenV8(file, text);
      break;
    case 'jsx':
      r.acorn = acornParse(JsxParser, text, isModule(text));
      r['ts+v8'] = tsThenV8(file, text);
      break;
    case 'xml':
      r.xmllint = xmllint(file);
      break;
    case 'mdx':
      [r.mdx, r['mdx+v8']] = await mdx(text, file);
      break;
    default:
      throw new Error(`unknown kind ${kind}`);
  }
  return r;
}

// ------------------------------------------------------------------ run
fs.rmSync(path.join(OUT, 'files'), { recursive: true, force: true });
const stats = new Map();
const results = fs.openSync(path.join(OUT, 'results.jsonl'), 'w');
for (const line of fs.readFileSync(INPUT, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const doc = JSON.parse(line);
  const meta = typeof doc.metadata === 'string' ? JSON.parse(doc.metadata) : doc.metadata;
  const { kind, family, index } = meta.synth;
  const ext = EXT[kind] ?? (isModule(doc.content) ? 'mjs' : 'cjs');
  const dir = path.join(OUT, 'files', kind);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${family}-${String(index).padStart(5, '0')}.${ext}`);
  fs.writeFileSync(file, doc.content);
  const r = await check(kind, doc.content, file);
  const failed = Object.entries(r).filter(([, v]) => v !== null);
  let s = stats.get(kind);
  if (!s) {
    s = { samples: 0, accepted: 0, rejected: 0, byCheck: Object.fromEntries(CHECKS[kind].map((c) => [c, 0])), failures: [] };
    stats.set(kind, s);
  }
  s.samples++;
  if (failed.length === 0) s.accepted++;
  else {
    s.rejected++;
    for (const [c] of failed) s.byCheck[c]++;
    s.failures.push({ file: path.relative(OUT, file), family, index, failed: Object.fromEntries(failed) });
  }
  fs.writeSync(results, JSON.stringify({ file: path.relative(OUT, file), kind, family, index, valid: failed.length === 0, checks: r }) + '\n');
}
fs.closeSync(results);

const tools = {
  node: process.version, v8: process.versions.v8, acorn: version('acorn'), 'acorn-jsx': version('acorn-jsx'),
  typescript: ts.version, '@mdx-js/mdx': version('@mdx-js/mdx'), 'remark-frontmatter': version('remark-frontmatter'),
  xmllint: xmllintVersion,
};
console.log(`tools: ${Object.entries(tools).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
console.log('| kind | samples | accepted | rejected | rejected by check |');
console.log('|---|---:|---:|---:|---|');
let bad = 0;
const order = ['javascript', 'typescript', 'jsx', 'tsx', 'xml', 'mdx'];
for (const kind of order.filter((k) => stats.has(k))) {
  const s = stats.get(kind);
  bad += s.rejected;
  const by = Object.entries(s.byCheck).map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(`| ${kind} | ${s.samples} | ${s.accepted} | ${s.rejected} | ${by} |`);
}
for (const kind of order.filter((k) => stats.has(k))) {
  const s = stats.get(kind);
  if (s.failures.length === 0) continue;
  console.log(`\n${kind}: first ${Math.min(show, s.failures.length)} of ${s.failures.length} failures`);
  for (const f of s.failures.slice(0, show)) {
    for (const [c, m] of Object.entries(f.failed)) console.log(`  ${f.file}  [${c}] ${clean(m)}`);
  }
}
fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({
  input: INPUT, tools,
  kinds: Object.fromEntries([...stats].map(([k, s]) => [k, { ...s, failures: s.failures.slice(0, 50) }])),
}, null, 2) + '\n');
process.exit(bad === 0 ? 0 : 1);
