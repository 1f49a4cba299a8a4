// JSON as text for the emulator: finds the extent of members and elements in a blob without parsing
// its values, so that answers are spliced from the store's exact bytes (ids above 2^53 keep their
// digits, decimals their trailing zeros) and the few answers that must be rebuilt stay byte-exact.

/** One member of an object: `"key":value`, from the key's opening quote to the end of the value. */
export interface Member {
  key: string;
  start: number;
  valueStart: number;
  valueEnd: number;
}

const isWs = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

function skipWs(t: string, i: number): number {
  while (i < t.length && isWs(t.charCodeAt(i))) i++;
  return i;
}

function fail(t: string, i: number, what: string): never {
  throw new SyntaxError(`malformed JSON at position ${i} (${what}): ${JSON.stringify(t.slice(Math.max(0, i - 20), i + 20))}`);
}

/** Index just after the string starting at `i` (an opening quote). */
function stringEnd(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q < 0) fail(t, i, 'unterminated string');
    let k = q - 1;
    while (t.charCodeAt(k) === 92) k--;
    // An odd run of backslashes escapes the quote; an even one escapes itself.
    if (((q - 1 - k) & 1) === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just after the value starting at `i` (no leading whitespace). */
export function valueEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return stringEnd(t, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < t.length) {
      const d = t.charCodeAt(j);
      if (d === 34) {
        j = stringEnd(t, j);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    fail(t, i, 'unterminated object or array');
  }
  // A number or a literal: up to the next delimiter.
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isWs(d)) break;
    j++;
  }
  if (j === i) fail(t, i, 'expected a value');
  return j;
}

/** The members of the object starting at `from` (after any whitespace), in order. */
export function objectMembers(t: string, from = 0): Member[] {
  let i = skipWs(t, from);
  if (t.charCodeAt(i) !== 123) fail(t, i, 'expected an object');
  const out: Member[] = [];
  i = skipWs(t, i + 1);
  if (t.charCodeAt(i) === 125) return out;
  for (;;) {
    if (t.charCodeAt(i) !== 34) fail(t, i, 'expected a key');
    const keyEnd = stringEnd(t, i);
    const key = JSON.parse(t.slice(i, keyEnd)) as string;
    let j = skipWs(t, keyEnd);
    if (t.charCodeAt(j) !== 58) fail(t, j, 'expected a colon');
    j = skipWs(t, j + 1);
    const end = valueEnd(t, j);
    out.push({ key, start: i, valueStart: j, valueEnd: end });
    i = skipWs(t, end);
    const c = t.charCodeAt(i);
    if (c === 125) return out;
    if (c !== 44) fail(t, i, 'expected a comma or a closing brace');
    i = skipWs(t, i + 1);
  }
}

/** The elements of the array starting at `from`, as [start, end) ranges. */
export function arrayElements(t: string, from = 0): Array<[number, number]> {
  let i = skipWs(t, from);
  if (t.charCodeAt(i) !== 91) fail(t, i, 'expected an array');
  const out: Array<[number, number]> = [];
  i = skipWs(t, i + 1);
  if (t.charCodeAt(i) === 93) return out;
  for (;;) {
    const end = valueEnd(t, i);
    out.push([i, end]);
    i = skipWs(t, end);
    const c = t.charCodeAt(i);
    if (c === 93) return out;
    if (c !== 44) fail(t, i, 'expected a comma or a closing bracket');
    i = skipWs(t, i + 1);
  }
}

/** The raw text of a member's value, or undefined when the object has no such key. */
export function memberText(t: string, key: string, from = 0): string | undefined {
  const m = objectMembers(t, from).find((x) => x.key === key);
  return m ? t.slice(m.valueStart, m.valueEnd) : undefined;
}

/** The value of a member holding a JSON string, decoded; undefined when absent or not a string. */
export function memberString(t: string, key: string, from = 0): string | undefined {
  const raw = memberText(t, key, from);
  return raw !== undefined && raw.charCodeAt(0) === 34 ? (JSON.parse(raw) as string) : undefined;
}

/**
 * The object rebuilt from its members' exact texts, leaving out some keys and replacing the values of
 * others (`replace` gives the new raw value text). A kept member keeps its text from key to value;
 * the whitespace between members is not kept.
 */
export function rebuildObject(t: string, opts: { omit?: ReadonlySet<string>; replace?: ReadonlyMap<string, (raw: string) => string> }, from = 0): string {
  const parts: string[] = [];
  for (const m of objectMembers(t, from)) {
    if (opts.omit?.has(m.key)) continue;
    const swap = opts.replace?.get(m.key);
    parts.push(swap ? `${t.slice(m.start, m.valueStart)}${swap(t.slice(m.valueStart, m.valueEnd))}` : t.slice(m.start, m.valueEnd));
  }
  return `{${parts.join(',')}}`;
}

/** `"key":raw` pairs joined into an object; pairs whose raw text is undefined are left out. */
export function objectOf(pairs: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts: string[] = [];
  for (const [k, v] of pairs) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
  return `{${parts.join(',')}}`;
}

/** A JSON string literal. */
export const jsonString = (s: string): string => JSON.stringify(s);

/** The object text with one more member appended before its closing brace. */
export function appendMember(t: string, key: string, raw: string): string {
  const end = t.lastIndexOf('}');
  if (end < 0) throw new SyntaxError('appendMember: not an object');
  const body = t.slice(0, end).trimEnd();
  return `${body}${body.endsWith('{') ? '' : ','}${JSON.stringify(key)}:${raw}${t.slice(end)}`;
}
