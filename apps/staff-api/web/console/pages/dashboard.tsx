import { useMemo, useState } from 'react';
import { HUZHOU_REGIONS, HUZHOU_TOTAL, startOfShanghaiDay } from '../../shared/api-types';
import type {
  AuditVerification,
  DailyStatsView,
  ListingStatus,
  RegionStatsView,
  StatsView,
} from '../../shared/api-types';
import { formatDateTime, formatNumber, shortDate } from '../../shared/format';
import { LISTING_STATUS_NAMES } from '../../shared/labels';
import { ErrorAlert, Loading, useAsync } from '../components';
import { useSession } from '../session';
import { Chart, type ChartOption } from '../charts';

const DAY_MS = 86_400_000;
const PERIODS = [7, 30, 90];
const COLORS = { weighings: '#9fb3c8', violations: '#c62828', turnBacks: '#0b5cad', warnings: '#e08a00' };

/**
 * 统计: the figures of /v1/stats for the chosen region and period (拟列入 and 逾期异议 among them), the
 * daily series, listings by status, the regions side by side and the audit chain's verification.
 * Nothing is computed here that the API does not define: the browser only draws.
 */
export default function DashboardPage() {
  const { api, can } = useSession();
  const [days, setDays] = useState(30);
  const [region, setRegion] = useState(HUZHOU_TOTAL.code);
  // Whole Asia/Shanghai days: today and the days before it.
  const period = useMemo(() => {
    const to = new Date();
    const from = startOfShanghaiDay(new Date(to.getTime() - (days - 1) * DAY_MS));
    return { from: from.toISOString(), to: to.toISOString() };
  }, [days]);
  const stats = useAsync(() => api.get<StatsView>('/v1/stats', { ...period, region }), [period, region]);
  const daily = useAsync(() => api.get<DailyStatsView>('/v1/stats/daily', { ...period, region }), [period, region]);
  const regions = useAsync(() => api.get<RegionStatsView>('/v1/stats/regions', period), [period]);
  const mayVerify = can('verifyAudit');

  return (
    <section className="dashboard">
      <div className="dashboard-head">
        <h1>统计</h1>
        <label>
          区域{' '}
          <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
            {[HUZHOU_TOTAL, ...HUZHOU_REGIONS].map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          统计区间{' '}
          <select name="days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                近 {d} 天
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {formatDateTime(period.from)} 至 {formatDateTime(period.to)}（北京时间）
        </span>
      </div>

      <ErrorAlert error={stats.error ?? daily.error ?? regions.error} />
      {stats.data ? <Figures stats={stats.data} /> : <Loading what="统计数据" />}

      <div className="grid-2">
        <div className="panel">
          <h2>每日称重、违法与劝返</h2>
          {daily.data && <Chart label="每日称重、违法与劝返趋势图" option={dailyOption(daily.data)} height={300} />}
        </div>
        <div className="panel">
          <h2>失信清单状态</h2>
          {stats.data && <Chart label="失信清单状态分布图" option={statusOption(stats.data)} height={300} />}
        </div>
      </div>

      <div className="panel">
        <h2>分区域统计</h2>
        {regions.data ? <RegionFigures regions={regions.data} /> : <Loading what="分区域数据" />}
      </div>

      {mayVerify && <AuditPanel />}
    </section>
  );
}

function Figures({ stats }: { stats: StatsView }) {
  const now = stats.asOfNow;
  const p = stats.period;
  const cards: [string, number, string?][] = [
    ['预失信车辆', now.watch],
    ['拟列入', now.pending],
    ['在册失信车辆', now.listed + now.published],
    ['已公示', now.published],
    ['逾期未公示', now.overduePublications, now.overduePublications > 0 ? 'danger' : undefined],
    ['逾期异议', now.overdueObjections, now.overdueObjections > 0 ? 'danger' : undefined],
    ['违法超限记录', p.violations],
    ['超限预警', p.warnings],
    ['入口劝返', p.turnBacks],
    ['结案', p.casesProcessed],
    ['罚款（元）', p.finesYuan],
    ['信用修复', p.repaired],
  ];
  return (
    <div className="figures" data-testid="figures">
      {cards.map(([label, value, tone]) => (
        <div key={label} className={`figure ${tone ?? ''}`} data-figure={label}>
          <div className="value">{formatNumber(value)}</div>
          <div className="label">{label}</div>
        </div>
      ))}
    </div>
  );
}

function dailyOption(daily: DailyStatsView): ChartOption {
  const dates = daily.items.map((d) => shortDate(d.date));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: dates },
    yAxis: [
      { type: 'value', name: '称重', minInterval: 1 },
      { type: 'value', name: '违法 / 劝返', minInterval: 1 },
    ],
    series: [
      { name: '称重', type: 'bar', data: daily.items.map((d) => d.weighings), color: COLORS.weighings },
      {
        name: '违法',
        type: 'line',
        yAxisIndex: 1,
        data: daily.items.map((d) => d.violations),
        color: COLORS.violations,
      },
      { name: '劝返', type: 'line', yAxisIndex: 1, data: daily.items.map((d) => d.turnBacks), color: COLORS.turnBacks },
      { name: '预警', type: 'line', yAxisIndex: 1, data: daily.items.map((d) => d.warnings), color: COLORS.warnings },
    ],
  };
}

function statusOption(stats: StatsView): ChartOption {
  const statuses = Object.keys(LISTING_STATUS_NAMES) as ListingStatus[];
  return {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        label: { formatter: '{b}\n{c}' },
        data: statuses.map((s) => ({ name: LISTING_STATUS_NAMES[s], value: stats.asOfNow.listingsByStatus[s] })),
        // In the order of LISTING_STATUS_NAMES: 拟列入, 在册, 已公示, then the ends.
        color: ['#0b5cad', '#e08a00', '#c62828', '#2e7d32', '#9fb3c8', '#616e7c', '#bcccdc'],
      },
    ],
  };
}

function RegionFigures({ regions }: { regions: RegionStatsView }) {
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: regions.items.map((r) => r.name) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '违法', type: 'bar', data: regions.items.map((r) => r.period.violations), color: COLORS.violations },
      { name: '劝返', type: 'bar', data: regions.items.map((r) => r.period.turnBacks), color: COLORS.turnBacks },
      {
        name: '在册失信车辆',
        type: 'bar',
        data: regions.items.map((r) => r.asOfNow.listed + r.asOfNow.published),
        color: COLORS.warnings,
      },
    ],
  };
  return (
    <div className="grid-2">
      <Chart label="分区域违法、劝返与在册失信车辆对比图" option={option} height={260} />
      <table data-testid="region-table">
        <thead>
          <tr>
            <th>区域</th>
            <th className="num">违法</th>
            <th className="num">预警</th>
            <th className="num">劝返</th>
            <th className="num">结案</th>
            <th className="num">罚款（元）</th>
            <th className="num">在册</th>
            <th className="num">逾期未公示</th>
          </tr>
        </thead>
        <tbody>
          {[...regions.items, regions.total].map((r) => (
            <tr key={r.region} data-region={r.region} className={r === regions.total ? 'total' : ''}>
              <td>{r.name}</td>
              <td className="num">{formatNumber(r.period.violations)}</td>
              <td className="num">{formatNumber(r.period.warnings)}</td>
              <td className="num">{formatNumber(r.period.turnBacks)}</td>
              <td className="num">{formatNumber(r.period.casesProcessed)}</td>
              <td className="num">{formatNumber(r.period.finesYuan)}</td>
              <td className="num">{formatNumber(r.asOfNow.listed + r.asOfNow.published)}</td>
              <td className="num">{formatNumber(r.asOfNow.overduePublications)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 执法全过程记录校验 (SPEC §4.7), for ADMIN: the chain, its HMACs and the anchors, as of computedAt. */
function AuditPanel() {
  const { api } = useSession();
  const audit = useAsync(() => api.get<AuditVerification>('/v1/audit/verification'), []);
  const data = audit.data;
  return (
    <div className="panel" data-testid="audit-verification">
      <h2>执法全过程记录校验</h2>
      <ErrorAlert error={audit.error} />
      {!data && !audit.error && <Loading what="校验结果" />}
      {data &&
        (data.ok ? (
          <p className="alert success">
            哈希链完整：共 {formatNumber(data.entries)} 条记录，逐条校验哈希与签名（HMAC）通过，与{' '}
            {formatNumber(data.anchors.valid)} 个外部锚点一致，未发现篡改。
          </p>
        ) : (
          <p className="alert error">
            哈希链断裂：第 {data.firstBroken?.seq} 条记录校验失败（{data.firstBroken?.code}：{data.firstBroken?.reason}
            ），此前 {formatNumber(data.entries)} 条完好。请立即上报。
          </p>
        ))}
      {data && data.anchorGaps.length > 0 && (
        <p className="alert error">
          锚点缺失：{data.anchorGaps.length} 段时间内写入了记录却未发布锚点（第{' '}
          {data.anchorGaps.map((g) => `${g.firstSeq}–${g.lastSeq}`).join('、')} 条），请核查 ingest 运行情况。
        </p>
      )}
      {data && data.unsealedEntries > 0 && (
        <p className="muted small">其中 {formatNumber(data.unsealedEntries)} 条为启用签名前的记录，仅校验哈希链。</p>
      )}
      {data && (
        <p className="muted small">
          校验时间：{formatDateTime(data.computedAt)}（服务端定期重新校验，此为最近一次结果）
        </p>
      )}
      <button className="secondary" onClick={audit.reload} disabled={audit.loading}>
        重新校验
      </button>
    </div>
  );
}
