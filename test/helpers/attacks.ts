/**
 * Requests written to make the gateway work before it answers: each is under the 100 kB body
 * limit, and each is refused with a 400 naming a limit. Shared by the hostile tests (which check
 * the refusals) and `npm run bench:guards` (which times them).
 */

export interface Attack {
  name: string;
  /** The request body, as JSON. */
  body: { query?: string; variables?: unknown; extensions?: unknown; operationName?: string };
  /** Text spliced into the body in place of `"$DEEP"` (JSON.stringify cannot write 10,000 levels: it recurses). */
  deep?: string;
  /** Sent without a token (the issue's fragment bomb came from an anonymous caller). */
  anonymous?: boolean;
  /** The limit (extensions.limit) the refusal names. */
  limit: string;
}

/** Fragments that each spread the next twice: 2^levels copies of `code` once expanded. */
export function fragmentBomb(levels: number): string {
  const fragments = [`fragment F0 on Nation { code }`];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Nation { ...F${i - 1} ...F${i - 1} }`);
  return `query { nation { ...F${levels} } } ${fragments.join(' ')}`;
}

/** `{"a":{"a":...{}}}`, `depth` levels, as JSON text. */
export function deepObjectJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

/**
 * The body of an attack as sent; `variant` adds a comment to the query, so that each variant is
 * a text the gateway has not parsed before (as an attacker would send it).
 */
export function bodyText(attack: Attack, variant?: number): string {
  const body = variant === undefined || attack.body.query === undefined ? attack.body : { ...attack.body, query: `${attack.body.query}\n# ${variant}` };
  const json = JSON.stringify(body);
  return attack.deep === undefined ? json : json.replace('"$DEEP"', attack.deep);
}

export function attacks(): Attack[] {
  const bomb = fragmentBomb(22);
  return [
    // The issue's attack: 926 bytes, 22 levels, no token; it once held the event loop 14 s.
    { name: 'fragment bomb, 22 levels, anonymous', body: { query: bomb }, anonymous: true, limit: 'MAX_FIELD_REPEATS' },
    { name: 'fragment bomb, 22 levels, with a token', body: { query: bomb }, limit: 'MAX_FIELD_REPEATS' },
    {
      name: 'fragment bomb through nested fields',
      body: { query: `query{provinces{...F22}}fragment F0 on Province{code name}${Array.from({ length: 22 }, (_, i) => `fragment F${i + 1} on Province{...F${i} districts{province{...F${i}}}}`).join('')}` },
      limit: 'MAX_QUERY_COST',
    },
    {
      name: 'fragment bomb in an operation that does not run',
      body: { query: `query Small { nation { code } } query Big { nation { ...F22 } } ${bomb.slice(bomb.indexOf('fragment'))}`, operationName: 'Small' },
      limit: 'MAX_FIELD_REPEATS',
    },
    { name: 'variables nested 10,000 deep', body: { query: 'query($v: String) { searchAreas(text: $v) { code } }', variables: { v: '$DEEP' } }, deep: deepObjectJson(10_000), limit: 'MAX_VARIABLES_DEPTH' },
    { name: 'extensions nested 10,000 deep', body: { query: '{ nation { code } }', extensions: '$DEEP' }, deep: deepObjectJson(10_000), limit: 'MAX_VARIABLES_DEPTH' },
    { name: 'anonymous query over its size', body: { query: `{ nation { code } } # ${'x'.repeat(5000)}` }, anonymous: true, limit: 'ANONYMOUS_MAX_QUERY_BYTES' },
    { name: '90 kB of tokens', body: { query: `{ nation { ${'code '.repeat(18_000)} } }` }, limit: 'MAX_QUERY_TOKENS' },
    { name: 'one field repeated (overlapping-fields validation is quadratic)', body: { query: `{ nation { ${'provinces { code } '.repeat(700)} } }` }, limit: 'MAX_FIELD_REPEATS' },
    { name: 'conflicting aliases', body: { query: `{ nation { ${Array.from({ length: 700 }, (_, i) => `code: ${i % 2 ? 'code' : 'name'}`).join(' ')} } }` }, limit: 'MAX_FIELD_REPEATS' },
    {
      name: 'one field from many fragments',
      body: { query: `{ nation { ${Array.from({ length: 200 }, (_, i) => `...F${i}`).join(' ')} } } ${Array.from({ length: 200 }, (_, i) => `fragment F${i} on Nation { provinces { code } }`).join(' ')}` },
      limit: 'MAX_FIELD_REPEATS',
    },
    {
      name: 'a chain of 300 fragments',
      body: { query: `{ nation { ...F0 } } ${Array.from({ length: 300 }, (_, i) => `fragment F${i} on Nation { code ${i + 1 < 300 ? `...F${i + 1}` : ''} }`).join(' ')}` },
      limit: 'MAX_FIELD_REPEATS',
    },
    { name: 'selections nested 700 deep', body: { query: `{ ${'nation { provinces { '.repeat(350)} code ${'} } '.repeat(350)} }` }, limit: 'MAX_QUERY_DEPTH' },
    { name: 'a list literal nested 1,400 deep', body: { query: `{ searchAreas(text: ${'['.repeat(1400)}"x"${']'.repeat(1400)}) { code } }` }, limit: 'MAX_QUERY_DEPTH' },
    { name: 'a list literal nested 12 deep', body: { query: `{ searchAreas(text: ${'['.repeat(12)}"x"${']'.repeat(12)}) { code } }` }, limit: 'MAX_VARIABLES_DEPTH' },
    { name: 'a list literal nested 20,000 deep (the parser recurses)', body: { query: `{ searchAreas(text: ${'['.repeat(20_000)}"x"${']'.repeat(20_000)}) { code } }` }, limit: 'MAX_QUERY_DEPTH' },
    {
      name: 'every distinct field, aliased, many times',
      body: { query: `{ ${Array.from({ length: 19 }, (_, i) => `p${i}: provinces { ${Array.from({ length: 5 }, (_, j) => `d${j}: districts { code name kind level }`).join(' ')} }`).join(' ')} }` },
      limit: 'MAX_ALIASES',
    },
    {
      name: 'a wide query over the expanded-fields limit',
      body: { query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: commune(code: "00004") { ...X ...X ...X }`).join(' ')} } fragment X on Commune { code name kind level district { code name kind level province { code name kind level nation { code name kind level } } } province { code name kind level nation { code name kind level } } }` },
      limit: 'MAX_QUERY_FIELDS',
    },
  ];
}
