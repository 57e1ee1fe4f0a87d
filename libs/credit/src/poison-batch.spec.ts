import { isPoison, storeIsolatingPoison } from './poison-batch';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const quiet = { warn: () => undefined };

describe('storeIsolatingPoison (SPEC §3: one bad record never holds its partition)', () => {
  it('stores a batch in one call when it can', async () => {
    const calls: string[][] = [];
    const results = await storeIsolatingPoison(
      ['a', 'b'],
      async (items) => {
        calls.push(items);
        return items.length;
      },
      () => {
        throw new Error('nothing to refuse');
      },
      quiet,
    );
    expect(calls).toEqual([['a', 'b']]);
    expect(results).toEqual([2]);
  });

  it('on a content error stores the items one by one, in order, and refuses only those that fail so', async () => {
    const calls: string[][] = [];
    const refused: [string, string][] = [];
    const results = await storeIsolatingPoison(
      ['a', 'bad', 'c'],
      async (items) => {
        calls.push(items);
        if (items.includes('bad')) throw pgError('22021');
        return items.join();
      },
      (item, error) => refused.push([item, error.message]),
      quiet,
    );
    expect(calls).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    expect(results).toEqual(['a', 'c']);
    expect(refused).toEqual([['bad', 'pg 22021']]);
  });

  it('throws an outage, in the batch or in one item, so that nothing is committed and the batch is retried', async () => {
    await expect(
      storeIsolatingPoison(
        ['a'],
        () => Promise.reject(pgError('08006')),
        () => undefined,
        quiet,
      ),
    ).rejects.toMatchObject({ code: '08006' });
    let call = 0;
    await expect(
      storeIsolatingPoison(
        ['a', 'b'],
        () => Promise.reject(++call === 1 ? pgError('23505') : pgError('40P01')),
        () => undefined,
        quiet,
      ),
    ).rejects.toMatchObject({ code: '40P01' });
  });

  it('does not call the store for an empty batch', async () => {
    const store = jest.fn();
    expect(await storeIsolatingPoison([], store, () => undefined, quiet)).toEqual([]);
    expect(store).not.toHaveBeenCalled();
  });

  it.each([
    ['a data exception', pgError('22P02'), true],
    ['an integrity violation', pgError('23514'), true],
    ['a TypeError the data triggered', new TypeError('x'), true],
    ['a lost connection', pgError('08006'), false],
    ['a deadlock', pgError('40P01'), false],
    ['a Kafka error', new Error('KafkaJSConnectionError'), false],
  ])('isPoison: %s → %s', (_name, error, poison) => {
    expect(isPoison(error)).toBe(poison);
  });
});
