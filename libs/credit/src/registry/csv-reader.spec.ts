import { CsvRow, readCsv } from './csv-reader';

async function read(...chunks: string[]): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsv(
    (async function* () {
      yield* chunks;
    })(),
  ))
    rows.push(row);
  return rows;
}

/** Every way of cutting `text` into two chunks gives the same rows (a stream cuts anywhere). */
async function readSplitEverywhere(text: string): Promise<CsvRow[]> {
  const whole = await read(text);
  for (let cut = 0; cut <= text.length; cut++) {
    expect({ cut, rows: await read(text.slice(0, cut), text.slice(cut)) }).toEqual({ cut, rows: whole });
  }
  const bytes = Buffer.from(text, 'utf8');
  for (let cut = 0; cut <= bytes.length; cut++) {
    const rows: CsvRow[] = [];
    for await (const row of readCsv(
      (async function* () {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut);
      })(),
    ))
      rows.push(row);
    expect({ cut, rows }).toEqual({ cut, rows: whole });
  }
  return whole;
}

describe('readCsv (RFC 4180)', () => {
  it('reads plain and quoted fields, doubled quotes, commas and line breaks inside quotes, with the line each record starts on', async () => {
    const text =
      'plate,ownerName,note\r\n' +
      '浙E12345,张三,plain\r\n' +
      '"浙E12346","湖州""顺达""物流, 有限公司","two\r\nlines"\r\n' +
      '浙E12347,,\r\n' +
      '浙E12348,李四,"last, no newline"';
    expect(await readSplitEverywhere(text)).toEqual([
      { line: 1, fields: ['plate', 'ownerName', 'note'] },
      { line: 2, fields: ['浙E12345', '张三', 'plain'] },
      { line: 3, fields: ['浙E12346', '湖州"顺达"物流, 有限公司', 'two\r\nlines'] },
      { line: 5, fields: ['浙E12347', '', ''] },
      { line: 6, fields: ['浙E12348', '李四', 'last, no newline'] },
    ]);
  });

  it('accepts LF and CR line ends, skips a byte order mark and blank lines', async () => {
    expect(await readSplitEverywhere('\uFEFFa,b\n\n1,2\r3,"x\ny"\n\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 4, fields: ['3', 'x\ny'] },
    ]);
  });

  it('reports a malformed record with its line and goes on with the next line', async () => {
    expect(await readSplitEverywhere('a,b\n1,x"y\n"q"z,2\n3,4\n"open,5\n6,7')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      {
        line: 2,
        fields: ['1', 'x'],
        error: 'a quote inside the unquoted field 2 (quote the field and double the quote)',
      },
      { line: 3, fields: ['q'], error: 'text after the closing quote of field 1' },
      { line: 4, fields: ['3', '4'] },
      { line: 5, fields: ['open,5\n6,7'], error: 'the quoted field 1 is never closed' },
    ]);
  });

  it('keeps an empty quoted field as a field', async () => {
    expect(await read('""\n"",""\n')).toEqual([
      { line: 1, fields: [''] },
      { line: 2, fields: ['', ''] },
    ]);
  });
});
