// Exact spans of an API answer: the text of the value at a path, found by scanning the answer, never by
// parse-and-reserialise, so a blob stored from it keeps ids above 2^53 and every byte as the API sent them.

/** A path into a JSON text: object keys and array indexes, e.g. `['result', 'productItems', 2]`. */
export type JsonPath = ReadonlyArray<string | number>;

/**
 * The exact text of the value at `path` (the whole value for `[]`), without surrounding white space;
 * undefined when the path leads nowhere (a missing key, an index past the end, a key into an array or a
 * scalar). When an object repeats a key, the last one counts, as JSON.parse does. Malformed JSON on the
 * way throws a SyntaxError naming the position.
 */
export function rawValueAt(text: string, path: JsonPath): string | undefined {
  const span = spanAt(text, path);
  return span && text.slice(span[0], span[1]);
}

/**
 * The exact text of each element of the array at `path`. Undefined when the path leads nowhere or to
 * `null` (the API's way of saying "no items"); a TypeError when it leads to another kind of value.
 */
export function rawArrayItems(text: string, path: JsonPath): string[] | undefined {
  const span = spanAt(text, path);
  if (!span) return undefined;
  const s = new Scanner(text);
  if (text.charCodeAt(span[0]) !== 91 /* [ */) {
    const found = text.slice(span[0], span[1]);
    if (found === 'null') return undefined;
    throw new TypeError(`expected an array at ${describePath(path)}, found ${kindOf(found)}`);
  }
  const items: string[] = [];
  s.i = span[0] + 1;
  s.ws();
  if (s.peek() === 93 /* ] */) return items;
  for (;;) {
    s.ws();
    const start = s.i;
    s.value();
    items.push(text.slice(start, s.i));
    s.ws();
    if (s.peek() === 44 /* , */) s.i++;
    else return items;
  }
}

/**
 * The object text `text` without its members named in `keys` (each with the comma that separated it),
 * every other byte as it was: how one object's own text is cut out of an answer that nests others inside
 * it (a store category and its `children`), or an answer's envelope (`success`, `RequestId`) cut off the
 * object it carries. The text itself when it has none of them. A TypeError when the text is no object; a
 * SyntaxError when it is malformed.
 */
export function rawWithoutMembers(text: string, keys: ReadonlySet<string>): string {
  const s = new Scanner(text);
  if (text.charCodeAt(0) === 0xfeff) s.i = 1;
  s.ws();
  const open = s.i;
  s.value();
  s.ws();
  if (s.i < text.length) s.fail('unexpected text after the value');
  if (text.charCodeAt(open) !== 123 /* { */) throw new TypeError(`expected an object, found ${text[open] === '[' ? 'an array' : kindOf(text.slice(open))}`);
  s.i = open + 1;
  const members = s.members();
  const cuts: Array<[number, number]> = [];
  // Members before the first one kept go with the separators after them; later ones with the comma before.
  const firstKept = members.findIndex((m) => !keys.has(m.key));
  if (firstKept !== 0 && members.length > 0) cuts.push([members[0]!.start, firstKept === -1 ? members[members.length - 1]!.end : members[firstKept]!.start]);
  for (let k = Math.max(firstKept, 1); firstKept !== -1 && k < members.length; k++) {
    if (keys.has(members[k]!.key)) cuts.push([members[k - 1]!.end, members[k]!.end]);
  }
  let out = '';
  let at = 0;
  for (const [a, b] of cuts) {
    out += text.slice(at, a);
    at = b;
  }
  return out + text.slice(at);
}

/** `$.result.productItems[2]` */
export function describePath(path: JsonPath): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function spanAt(text: string, path: JsonPath): [number, number] | undefined {
  const s = new Scanner(text);
  if (text.charCodeAt(0) === 0xfeff) s.i = 1;
  s.ws();
  // The first pass checks the whole text, so that a malformed answer never yields a span.
  let start = s.i;
  let end = s.value();
  s.ws();
  if (s.i < text.length) s.fail('unexpected text after the value');
  for (const step of path) {
    const c = text.charCodeAt(start);
    let found: [number, number] | undefined;
    s.i = start + 1;
    if (c === 123 /* { */ && typeof step === 'string') found = s.member(step);
    else if (c === 91 /* [ */ && typeof step === 'number') found = s.element(step);
    else return undefined;
    if (!found) return undefined;
    [start, end] = found;
  }
  return [start, end];
}

class Scanner {
  i = 0;
  constructor(readonly t: string) {}

  peek(): number {
    return this.t.charCodeAt(this.i);
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.i}`);
  }

  ws(): void {
    let c = this.t.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = this.t.charCodeAt(++this.i);
  }

  /** Skips one value starting at `i` (no leading white space); returns its end. */
  value(): number {
    const c = this.peek();
    if (c === 34) this.string();
    else if (c === 123) this.container(125, true);
    else if (c === 91) this.container(93, false);
    else if (c === 45 || (c >= 48 && c <= 57)) this.number();
    else if (this.t.startsWith('true', this.i)) this.i += 4;
    else if (this.t.startsWith('false', this.i)) this.i += 5;
    else if (this.t.startsWith('null', this.i)) this.i += 4;
    else this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(this.t[this.i])}`);
    return this.i;
  }

  /** Skips a string starting at `i`; returns the raw text between its quotes. */
  string(): string {
    const start = this.i;
    let j = this.t.indexOf('"', start + 1);
    for (;;) {
      if (j === -1) {
        this.i = start;
        this.fail('unterminated string');
      }
      let k = j - 1;
      while (this.t.charCodeAt(k) === 92 /* \ */) k--;
      if (((j - 1 - k) & 1) === 0) break; // an even run of backslashes escapes itself, not the quote
      j = this.t.indexOf('"', j + 1);
    }
    this.i = j + 1;
    return this.t.slice(start + 1, j);
  }

  number(): void {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    if (!m.exec(this.t)) this.fail('invalid number');
    this.i = m.lastIndex;
  }

  container(close: number, isObject: boolean): void {
    this.i++;
    this.ws();
    if (this.peek() === close) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (isObject) {
        if (this.peek() !== 34) this.fail('expected a key');
        this.string();
        this.ws();
        if (this.peek() !== 58) this.fail("expected ':'");
        this.i++;
        this.ws();
      }
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === close) return;
      if (c !== 44) {
        this.i--;
        this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : `expected ',' or '${String.fromCharCode(close)}'`);
      }
    }
  }

  /** Inside an object (after `{`): every member, its decoded key, where its key starts and where its value ends. */
  members(): Array<{ key: string; start: number; end: number }> {
    const out: Array<{ key: string; start: number; end: number }> = [];
    this.ws();
    if (this.peek() === 125) return out;
    for (;;) {
      this.ws();
      const start = this.i;
      if (this.peek() !== 34) this.fail('expected a key');
      const rawKey = this.string();
      this.ws();
      if (this.peek() !== 58) this.fail("expected ':'");
      this.i++;
      this.ws();
      const valueStart = this.i;
      const end = this.value();
      out.push({ key: rawKey.includes('\\') ? decodeKey(rawKey, valueStart) : rawKey, start, end });
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 125) return out;
      if (c !== 44) {
        this.i--;
        this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : "expected ',' or '}'");
      }
    }
  }

  /** Inside an object (after `{`): the span of the last member named `key`. */
  member(key: string): [number, number] | undefined {
    let found: [number, number] | undefined;
    this.ws();
    if (this.peek() === 125) return undefined;
    for (;;) {
      this.ws();
      if (this.peek() !== 34) this.fail('expected a key');
      const rawKey = this.string();
      this.ws();
      if (this.peek() !== 58) this.fail("expected ':'");
      this.i++;
      this.ws();
      const start = this.i;
      const end = this.value();
      // Keys with escapes (\u0072esult) are compared decoded.
      if (rawKey === key || (rawKey.includes('\\') && decodeKey(rawKey, start) === key)) found = [start, end];
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 125) return found;
      if (c !== 44) {
        this.i--;
        this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : "expected ',' or '}'");
      }
    }
  }

  /** Inside an array (after `[`): the span of element `index`. */
  element(index: number): [number, number] | undefined {
    if (!Number.isInteger(index) || index < 0) return undefined;
    this.ws();
    if (this.peek() === 93) return undefined;
    for (let n = 0; ; n++) {
      this.ws();
      const start = this.i;
      const end = this.value();
      if (n === index) return [start, end];
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 93) return undefined;
      if (c !== 44) {
        this.i--;
        this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : "expected ',' or ']'");
      }
    }
  }
}

function decodeKey(raw: string, at: number): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new SyntaxError(`invalid escape in a key before position ${at}`);
  }
}

function kindOf(text: string): string {
  const c = text[0];
  return c === '{' ? 'an object' : c === '"' ? 'a string' : c === 't' || c === 'f' ? 'a boolean' : 'a number';
}
