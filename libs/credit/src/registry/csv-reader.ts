/** One record of a CSV file: its fields, the line it starts on (1 = the header), or why it is malformed. */
export interface CsvRow {
  line: number;
  fields: string[];
  /** Set when the record breaks RFC 4180 (its fields are then what could be read). */
  error?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes, a quote inside a
 * quoted field doubled (`""`), line breaks (CRLF, LF or CR) inside quoted fields kept. A UTF-8 byte order
 * mark (as spreadsheet programs write it) is skipped, and so are blank lines. Never throws on content:
 * a malformed record is yielded with `error`, and reading goes on at the next line.
 *
 * Yields the records of each chunk together (a file of 500,000 rows would otherwise cost 500,000
 * promise turns per pass).
 */
export async function* readCsvBatches(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRow[]> {
  const decoder = new TextDecoder('utf-8');
  let line = 1; // the current physical line
  let rowLine = 1; // where the current record started
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let closed = false; // after the closing quote of a field
  let started = false; // the field has characters (a quote may then not open it)
  let error: string | undefined;
  let skipping = false; // a malformed record: ignore the rest of its line
  let afterCr = false;
  let carry = ''; // a last character whose meaning depends on the next one
  let atStart = true;

  const endRow = (out: CsvRow[]): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !error && !closed))
      out.push(error ? { line: rowLine, fields, error } : { line: rowLine, fields });
    fields = [];
    field = '';
    closed = started = skipping = false;
    error = undefined;
    rowLine = line;
  };
  const malformed = (message: string): void => {
    error = message;
    skipping = true;
  };

  const feed = (text: string, final: boolean, out: CsvRow[]): void => {
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      const crlf = afterCr && c === LF; // the CR counted the line already
      afterCr = false;
      if (quoted) {
        // Up to the next quote in one slice.
        const q = text.indexOf('"', i);
        const end = q < 0 ? n : q;
        for (let j = i; j < end; j++) {
          const d = text.charCodeAt(j);
          if (d === LF ? !(j === i && crlf) && text.charCodeAt(j - 1) !== CR : d === CR) line++;
        }
        field += text.slice(i, end);
        afterCr = end > i && text.charCodeAt(end - 1) === CR;
        if (q < 0) return;
        if (q + 1 === n && !final) {
          carry = '"'; // doubled or closing: the next chunk tells
          return;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          i = q + 2;
        } else {
          quoted = false;
          closed = true;
          i = q + 1;
        }
        continue;
      }
      if (crlf) {
        i++;
        continue;
      }
      if (c === CR || c === LF) {
        afterCr = c === CR;
        line++;
        endRow(out);
        i++;
        continue;
      }
      if (skipping) {
        i++;
        continue;
      }
      if (c === COMMA) {
        fields.push(field);
        field = '';
        closed = started = false;
        i++;
        continue;
      }
      if (closed) {
        malformed(`text after the closing quote of field ${fields.length + 1}`);
        i++;
        continue;
      }
      if (c === QUOTE) {
        if (started)
          malformed(`a quote inside the unquoted field ${fields.length + 1} (quote the field and double the quote)`);
        else quoted = started = true;
        i++;
        continue;
      }
      // An unquoted run up to the next comma, quote or line break, in one slice.
      const from = i;
      do c = text.charCodeAt(++i);
      while (i < n && c !== COMMA && c !== CR && c !== LF && c !== QUOTE);
      field += text.slice(from, i);
      started = true;
    }
  };

  for await (const chunk of chunks) {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    carry = '';
    if (atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    const out: CsvRow[] = [];
    feed(text, false, out);
    if (out.length > 0) yield out;
  }
  const out: CsvRow[] = [];
  feed(carry + decoder.decode(), true, out);
  if (quoted) error = `the quoted field ${fields.length + 1} is never closed`;
  endRow(out);
  if (out.length > 0) yield out;
}

/** The records of a CSV stream one by one (see readCsvBatches). */
export async function* readCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRow> {
  for await (const rows of readCsvBatches(chunks)) yield* rows;
}
