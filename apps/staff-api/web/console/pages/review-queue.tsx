import type { ListingView, Page } from '../../shared/api-types';
import { formatDateTime } from '../../shared/format';
import {
  EmptyRow,
  ListingFlags,
  ListingStatusBadge,
  PagedResult,
  PlateWithColor,
  Tabs,
  useAsync,
  useFilteredPages,
} from '../components';
import { href } from '../router';
import { useSession } from '../session';

type Queue = 'all' | 'to-propose' | 'to-review' | 'overdue';

const QUEUES: { value: Queue; label: string; query: Record<string, string> }[] = [
  { value: 'all', label: '全部待公示', query: { status: 'LISTED' } },
  { value: 'to-propose', label: '待提请公示', query: { status: 'LISTED', proposed: 'false' } },
  { value: 'to-review', label: '待法制审核', query: { status: 'LISTED', proposed: 'true' } },
  { value: 'overdue', label: '逾期未公示', query: { overdue: 'true' } },
];
const PAGE_SIZE = 20;

/**
 * 审核工作台: LISTED listings, the one waiting longest first (the API orders them), overdue
 * publications marked. A legal reviewer starts on the listings awaiting review.
 */
export function ReviewQueuePage() {
  const { api, can } = useSession();
  const {
    filter: queue,
    setFilter: setQueue,
    page,
    setPage,
  } = useFilteredPages<Queue>(can('reviewPublication') && !can('proposePublication') ? 'to-review' : 'all');
  const result = useAsync(
    () =>
      api.get<Page<ListingView>>('/v1/listings', {
        ...QUEUES.find((q) => q.value === queue)!.query,
        page,
        pageSize: PAGE_SIZE,
      }),
    [queue, page],
  );

  return (
    <section>
      <h1>审核工作台</h1>
      <p className="muted">违法失信清单中尚未公示的车辆，按列入时间由早到晚排列；公示应在列入后 7 个工作日内完成。</p>
      <Tabs tabs={QUEUES} value={queue} onChange={setQueue} />
      <PagedResult result={result} what="审核队列" page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(data) => (
          <table data-testid="review-queue">
            <thead>
              <tr>
                <th>车牌</th>
                <th>列入时间</th>
                <th className="num">违法次数（趟）</th>
                <th>公示期限</th>
                <th>状态</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((l) => (
                <tr key={l.id} data-plate={l.plate}>
                  <td>
                    <PlateWithColor plate={l.plate} color={l.plateColor} />
                  </td>
                  <td>{formatDateTime(l.listedAt)}</td>
                  <td className="num">{l.violationCount}</td>
                  <td>{formatDateTime(l.publicationDueBy)}</td>
                  <td>
                    <ListingStatusBadge listing={l} /> <ListingFlags listing={l} />
                  </td>
                  <td>
                    <a href={href('listings', l.id)}>审核</a>
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={6}>当前没有待办事项</EmptyRow>}
            </tbody>
          </table>
        )}
      </PagedResult>
    </section>
  );
}
