import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, createApi } from '../shared/api';
import type { Page, PublicPostingView } from '../shared/api-types';
import { formatDate } from '../shared/format';
import { APPLICANT_TYPE_NAMES, describeError, plateColorName } from '../shared/labels';

const PAGE_SIZE = 20;
const api = createApi(null);

/** What the address says: `?plate=浙E12345&page=2` can be bookmarked and shared. */
function readAddress(): { plate: string; page: number } {
  const params = new URLSearchParams(window.location.search);
  const page = Number(params.get('page'));
  return { plate: params.get('plate') ?? '', page: Number.isInteger(page) && page > 0 ? page : 1 };
}

function writeAddress(plate: string, page: number): void {
  const params = new URLSearchParams();
  if (plate) params.set('plate', plate);
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  window.history.pushState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
}

/**
 * 失信公示 (SPEC §4.4, §4.8): the published listings, no sign-in, names of natural persons masked by
 * the API, searchable by plate. Read-only, rate-limited by the API per address.
 */
export function PostingsPage() {
  const [query, setQuery] = useState(readAddress);
  const [input, setInput] = useState(query.plate);
  const [result, setResult] = useState<{ data?: Page<PublicPostingView>; error?: unknown; loading: boolean }>({
    loading: true,
  });

  useEffect(() => {
    const onPop = (): void => {
      const q = readAddress();
      setQuery(q);
      setInput(q.plate);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    let current = true;
    setResult((r) => ({ ...r, loading: true }));
    api
      .get<Page<PublicPostingView>>('/v1/public/postings', {
        plate: query.plate,
        page: query.page,
        pageSize: PAGE_SIZE,
      })
      .then(
        (data) => current && setResult({ data, loading: false }),
        (error: unknown) => current && setResult({ error, loading: false }),
      );
    return () => {
      current = false;
    };
  }, [query]);

  const go = (plate: string, page: number): void => {
    writeAddress(plate, page);
    setQuery({ plate, page });
    window.scrollTo(0, 0);
  };
  const search = (event: FormEvent): void => {
    event.preventDefault();
    go(input.trim(), 1);
  };

  const { data, error, loading } = result;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <header className="masthead">
        <div className="inner">
          <div className="org">湖州市交通运输行政执法</div>
          <h1>高速公路超限超载违法失信清单公示</h1>
        </div>
      </header>
      <main className="inner">
        <form className="search-box" onSubmit={search} role="search">
          <label htmlFor="plate" className="sr-only">
            车牌号
          </label>
          <input
            id="plate"
            name="plate"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="输入车牌号查询，如：浙E12345"
            maxLength={16}
            autoComplete="off"
            enterKeyHint="search"
          />
          <button type="submit">查询</button>
          {query.plate && (
            <button type="button" className="secondary" onClick={() => (setInput(''), go('', 1))}>
              查看全部
            </button>
          )}
        </form>

        {error ? (
          <div className="alert error" role="alert">
            {error instanceof ApiError && error.code === 'VALIDATION_FAILED'
              ? '车牌号格式不正确，请输入完整车牌号，如：浙E12345'
              : describeError(error)}
          </div>
        ) : null}
        {loading && !data && <p className="muted">正在查询…</p>}
        {data && !error && (
          <>
            <p className="summary" data-testid="summary">
              {query.plate ? `车牌“${query.plate}”` : '当前'}共有 {data.total} 条公示信息
            </p>
            <ol className="postings" data-testid="postings">
              {data.items.map((p) => (
                <li key={`${p.plateColor}:${p.plate}:${p.publishedAt}`} className="posting" data-plate={p.plate}>
                  <div className="posting-head">
                    <span className={`plate c${p.plateColor}`}>{p.plate}</span>
                    <span className="muted">{plateColorName(p.plateColor)}车牌</span>
                  </div>
                  <dl>
                    <dt>当事人</dt>
                    <dd data-testid="owner">
                      {p.party ? `${p.party.name}（${APPLICANT_TYPE_NAMES[p.party.type]}）` : '未登记车辆'}
                    </dd>
                    <dt>失信行为</dt>
                    <dd>违法超限运输 {p.violationCount} 次</dd>
                    <dt>决定书文号</dt>
                    <dd>{p.decisionNo ?? '—'}</dd>
                    <dt>法律依据</dt>
                    <dd className="basis">{p.legalBasis ?? '—'}</dd>
                    <dt>列入日期</dt>
                    <dd>{formatDate(p.listedAt)}</dd>
                    <dt>公示期</dt>
                    <dd data-testid="posting-period">
                      {formatDate(p.publishedAt)} 至 {formatDate(p.publicationEndsAt)}
                    </dd>
                  </dl>
                </li>
              ))}
            </ol>
            {data.items.length === 0 && (
              <p className="empty">{query.plate ? '未查询到该车辆的失信公示信息。' : '当前没有公示信息。'}</p>
            )}
            {pages > 1 && (
              <nav className="pager" aria-label="分页">
                <button
                  className="secondary"
                  disabled={query.page <= 1}
                  onClick={() => go(query.plate, query.page - 1)}
                >
                  上一页
                </button>
                <span>
                  第 {query.page} / {pages} 页
                </span>
                <button
                  className="secondary"
                  disabled={query.page >= pages}
                  onClick={() => go(query.plate, query.page + 1)}
                >
                  下一页
                </button>
              </nav>
            )}
          </>
        )}
        <footer className="notes">
          <p>
            列入违法失信清单的车辆在全市高速公路入口予以劝返（空载车辆除外）。公示期满、信用修复或清单撤销后，公示信息自动撤下。
          </p>
          <p>
            当事人信息取自车辆登记，自然人姓名已作脱敏处理，证件号码不予公示；“未登记车辆”指车辆登记库中无该车辆的记录。当事人对公示信息有异议的，可向作出处罚决定的交通运输执法机构提出；整改到位的可依法申请信用修复。
          </p>
        </footer>
      </main>
    </>
  );
}
