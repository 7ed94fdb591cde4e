// Runs the reference parsers over an agreement corpus and prints one JSON line per file:
// {"path", "language", "valid", "message"}.
//
//   node reference.mjs CORPUS        (run from a directory whose node_modules has
//                                     acorn, acorn-jsx, typescript, @mdx-js/mdx,
//                                     remark-frontmatter; see setup.sh)
//
// JavaScript  acorn (ecmaVersion latest): valid if it parses as a module, or as a script
//             with return outside functions allowed (what `node --check` accepts for
//             CommonJS); hashbang allowed.
// JSX         the same with acorn-jsx.
// TypeScript  the TypeScript compiler's syntactic diagnostics (createSourceFile(...).
// TSX         parseDiagnostics), ScriptKind TS / TSX.
// XML         xmllint --noout (libxml2), network off.
// MDX         @mdx-js/mdx compile() with remark-frontmatter.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.cwd(), 'x.js'));
const acorn = require('acorn');
const jsx = require('acorn-jsx');
const ts = require('typescript');
const { compile } = await import(require.resolve('@mdx-js/mdx'));
const remarkFrontmatter = (await import(require.resolve('remark-frontmatter'))).default;
const JsxParser = acorn.Parser.extend(jsx());

function acornCheck(parser, text) {
  const base = { ecmaVersion: 'latest', allowHashBang: true };
  try { parser.parse(text, { ...base, sourceType: 'module' }); return [true, '']; } catch (e) {
    try { parser.parse(text, { ...base, sourceType: 'script', allowReturnOutsideFunction: true }); return [true, '']; }
    catch (e2) { return [false, e.message]; }
  }
}

function tsCheck(file, text, kind) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const d = sf.parseDiagnostics || [];
  return d.length ? [false, ts.flattenDiagnosticMessageText(d[0].messageText, '\n')] : [true, ''];
}

function xmlCheck(file) {
  const r = spawnSync('xmllint', ['--noout', '--nonet', file], { encoding: 'utf8' });
  return r.status === 0 ? [true, ''] : [false, (r.stderr || '').split('\n')[0]];
}

async function mdxCheck(text) {
  try { await compile(text, { remarkPlugins: [remarkFrontmatter] }); return [true, '']; }
  catch (e) { return [false, String(e.message || e)]; }
}

const corpus = process.argv[2];
for (const lang of fs.readdirSync(corpus).sort()) {
  const dir = path.join(corpus, lang);
  for (const f of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    let res;
    switch (lang) {
      case 'JavaScript': res = acornCheck(acorn.Parser, text); break;
      case 'JSX': res = acornCheck(JsxParser, text); break;
      case 'TypeScript': res = tsCheck(f, text, ts.ScriptKind.TS); break;
      case 'TSX': res = tsCheck(f, text, ts.ScriptKind.TSX); break;
      case 'XML': res = xmlCheck(file); break;
      case 'MDX': res = await mdxCheck(text); break;
      default: continue;
    }
    console.log(JSON.stringify({ path: file, language: lang, valid: res[0], message: res[1].slice(0, 200) }));
  }
}
