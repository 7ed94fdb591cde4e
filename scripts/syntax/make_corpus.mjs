// Builds the agreement corpus: real files plus deliberately broken copies.
//
//   node make_corpus.mjs SRC OUT
//
// SRC holds one directory per language (JavaScript, JSX, TypeScript, TSX, XML, MDX),
// e.g. /tmp/langid-eval/files from scripts/langid/build_eval_corpus.sh.
// OUT/<Language>/real__<file>        verbatim copy
// OUT/<Language>/bracket__<file>     one bracket ({}()[]) deleted, outside the first line
// OUT/<Language>/truncated__<file>   cut at 30-90% of its length (on a line end when possible)
// OUT/<Language>/untagged__<file>    one closing tag `</name>` removed (XML, MDX, JSX, TSX;
//                                    only when the file has one)
// Mutations are chosen by a PRNG seeded with the file name: reruns give the same corpus.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const [src, out] = process.argv.slice(2);
if (!src || !out) { console.error('usage: node make_corpus.mjs SRC OUT'); process.exit(2); }
const LANGS = ['JavaScript', 'JSX', 'TypeScript', 'TSX', 'XML', 'MDX'];
const TAGGED = new Set(['JSX', 'TSX', 'XML', 'MDX']);

function rng(seed) {
  let h = crypto.createHash('sha256').update(seed).digest();
  let i = 0;
  return () => {
    if (i + 4 > h.length) { h = crypto.createHash('sha256').update(h).digest(); i = 0; }
    const v = h.readUInt32LE(i); i += 4; return v / 2 ** 32;
  };
}

function deleteBracket(text, r) {
  const firstNl = text.indexOf('\n');
  const idx = [];
  for (let i = Math.max(firstNl, 0); i < text.length; i++) if ('{}()[]'.includes(text[i])) idx.push(i);
  if (!idx.length) return null;
  const at = idx[Math.floor(r() * idx.length)];
  return text.slice(0, at) + text.slice(at + 1);
}

function truncate(text, r) {
  let at = Math.floor(text.length * (0.3 + 0.6 * r()));
  const nl = text.lastIndexOf('\n', at);
  if (nl > text.length * 0.2) at = nl + 1;
  return text.slice(0, at);
}

function removeClosingTag(text, r) {
  const re = /<\/[A-Za-z][\w.:-]*\s*>/g;
  const found = [...text.matchAll(re)];
  if (!found.length) return null;
  const m = found[Math.floor(r() * found.length)];
  return text.slice(0, m.index) + text.slice(m.index + m[0].length);
}

let n = 0;
for (const lang of LANGS) {
  const dir = path.join(src, lang);
  if (!fs.existsSync(dir)) continue;
  const dest = path.join(out, lang);
  fs.mkdirSync(dest, { recursive: true });
  for (const f of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const write = (kind, t) => { if (t !== null && t !== text) { fs.writeFileSync(path.join(dest, `${kind}__${f}`), t); n++; } };
    fs.writeFileSync(path.join(dest, `real__${f}`), text); n++;
    write('bracket', deleteBracket(text, rng('bracket/' + f)));
    write('truncated', truncate(text, rng('truncate/' + f)));
    if (TAGGED.has(lang)) write('untagged', removeClosingTag(text, rng('tag/' + f)));
  }
}
console.error(`wrote ${n} files to ${out}`);
