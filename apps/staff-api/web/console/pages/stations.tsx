import type { Page, StationKind, StationView } from '../../shared/api-types';
import { HUZHOU_REGIONS, HUZHOU_TOTAL } from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import { STATION_KIND_NAMES } from '../../shared/labels';
import { EmptyRow, PagedResult, StationName, Tabs, useAsync, useFilteredPages } from '../components';
import { useSession } from '../session';

const PAGE_SIZE = 50;
type KindFilter = StationKind | 'all';
const KINDS: { value: KindFilter; label: string }[] = [
  { value: 'all', label: '全部站点' },
  ...(Object.entries(STATION_KIND_NAMES) as [StationKind, string][]).map(([value, label]) => ({ value, label })),
];

/**
 * 站点: the station registry (SPEC §4.9) — which stations may report weighings and when, whether
 * their gate key is active, and when each last reported one (a silent station is a station to call).
 */
export function StationsPage() {
  const { api } = useSession();
  const { filter, setFilter, page, setPage } = useFilteredPages<{ region: string; kind: KindFilter }>({
    region: '',
    kind: 'all',
  });
  const result = useAsync(
    () =>
      api.get<Page<StationView>>('/v1/registry/stations', {
        region: filter.region || undefined,
        kind: filter.kind === 'all' ? undefined : filter.kind,
        page,
        pageSize: PAGE_SIZE,
      }),
    [filter.region, filter.kind, page],
  );
  const now = Date.now();
  return (
    <section>
      <h1>站点</h1>
      <p className="muted">
        站点登记库中的检测站、收费站入口和流动检测点。未登记或不在启用期内的站点上传的称重数据不予采信。
      </p>
      <div className="panel search">
        <label>
          辖区{' '}
          <select
            name="region"
            value={filter.region}
            onChange={(e) => setFilter({ ...filter, region: e.target.value })}
          >
            <option value="">全部</option>
            {[HUZHOU_TOTAL, ...HUZHOU_REGIONS].map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Tabs tabs={KINDS} value={filter.kind} onChange={(kind) => setFilter({ ...filter, kind })} />
      <PagedResult result={result} what="站点" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="stations">
            <thead>
              <tr>
                <th>站点编号</th>
                <th>名称</th>
                <th>类型</th>
                <th>行政区划</th>
                <th>启用期</th>
                <th>站点密钥</th>
                <th>最近称重</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((st) => (
                <tr key={st.stationId} data-station={st.stationId}>
                  <td>
                    <StationName stationId={st.stationId} />
                  </td>
                  <td>{st.name ?? '—'}</td>
                  <td>{st.kind ? STATION_KIND_NAMES[st.kind] : '未登记类型'}</td>
                  <td>{st.divisionCode}</td>
                  <td>
                    <ActiveBounds station={st} now={now} />
                  </td>
                  <td>
                    {st.keyActive ? (
                      <span className="badge ok">有效</span>
                    ) : (
                      <span className="badge">未签发或已吊销</span>
                    )}
                  </td>
                  <td data-testid="last-weighing">
                    {st.lastWeighingAt ? formatDateTime(st.lastWeighingAt) : <span className="muted">无称重记录</span>}
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={7}>没有登记的站点</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}

/** 长期 when unbounded; otherwise the bounds, and 已停用 / 未启用 when now lies outside them. */
function ActiveBounds({ station, now }: { station: StationView; now: number }) {
  const { activeFrom, activeTo } = station;
  if (!activeFrom && !activeTo) return <>长期</>;
  const before = activeFrom !== null && now < Date.parse(activeFrom);
  const after = activeTo !== null && now > Date.parse(activeTo);
  return (
    <>
      {activeFrom ? formatDateTime(activeFrom) : '—'} 至 {activeTo ? formatDateTime(activeTo) : '长期'}
      {before && <span className="badge warn">未启用</span>}
      {after && <span className="badge">已停用</span>}
    </>
  );
}
