import { useState, type FormEvent } from 'react';
import type { Page, VehicleProfileView, VehicleRegistrationView, WeighingView } from '../../shared/api-types';
import { formatDate, formatDateTime, formatNumber } from '../../shared/format';
import {
  APPLICANT_TYPE_NAMES,
  CLASSIFICATION_NAMES,
  END_REASON_NAMES,
  PERMIT_CHECK_NAMES,
  PLATE_COLORS,
  VEHICLE_STATE_NAMES,
} from '../../shared/labels';
import {
  EmptyRow,
  ErrorAlert,
  ListingFlags,
  ListingStatusBadge,
  Loading,
  PagedResult,
  PlateWithColor,
  StationName,
  useAsync,
} from '../components';
import { AuditTrail } from '../audit-trail';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { ViolationsTable } from '../violations';

/** 车辆查询: a plate's credit profile, its listings and violations, and its audit trail. */
export function VehiclePage({ plateColor, plate }: { plateColor?: string; plate?: string }) {
  const [input, setInput] = useState(plate ?? '');
  const [color, setColor] = useState(plateColor ?? '1');
  const search = (event: FormEvent): void => {
    event.preventDefault();
    // The API normalises (全角, spaces, ·) and validates the plate; the address keeps what was typed.
    if (input.trim()) navigate('vehicles', color, input.trim().toUpperCase());
  };
  return (
    <section>
      <h1>车辆查询</h1>
      <form className="panel search" onSubmit={search} role="search">
        <label>
          车牌号{' '}
          <input
            name="plate"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="如：浙E12345"
            maxLength={16}
            required
          />
        </label>
        <label>
          车牌颜色{' '}
          <select name="plateColor" value={color} onChange={(e) => setColor(e.target.value)}>
            {PLATE_COLORS.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">查询</button>
      </form>
      {plate && plateColor && <VehicleProfile key={`${plateColor}:${plate}`} plateColor={plateColor} plate={plate} />}
    </section>
  );
}

function VehicleProfile({ plateColor, plate }: { plateColor: string; plate: string }) {
  const { api } = useSession();
  const base = `/v1/vehicles/${encodeURIComponent(plateColor)}/${encodeURIComponent(plate)}`;
  const profile = useAsync(() => api.get<VehicleProfileView>(base), [base]);
  if (profile.error) return <ErrorAlert error={profile.error} />;
  if (!profile.data) return <Loading what="车辆档案" />;
  const p = profile.data;
  const tone = { CLEAR: 'ok', WATCH: 'warn', PENDING: 'warn', LISTED: 'danger', PUBLISHED: 'danger' }[p.state];
  return (
    <>
      <div className="panel profile" data-testid="vehicle-profile">
        <h2>
          <PlateWithColor plate={p.plate} color={p.plateColor} />{' '}
          <span className={`badge ${tone}`} data-testid="vehicle-state">
            {VEHICLE_STATE_NAMES[p.state]}
          </span>
        </h2>
        <p>
          近 365 天内计入的违法超限运输：<strong data-testid="count-in-window">{p.countInWindow}</strong> 趟次
          <span className="muted">（同一趟次内多次检测计为一次；累计 3 次列入失信清单）</span>
        </p>
      </div>

      <h2>登记信息</h2>
      <Registration registration={p.registration} />

      <h2>失信清单记录</h2>
      <table data-testid="vehicle-listings">
        <thead>
          <tr>
            <th>列入时间</th>
            <th className="num">违法次数（趟）</th>
            <th>状态</th>
            <th>公示</th>
            <th>移出</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {p.listings.map((l) => (
            <tr key={l.id}>
              <td>{formatDateTime(l.listedAt)}</td>
              <td className="num">{l.violationCount}</td>
              <td>
                <ListingStatusBadge listing={l} /> <ListingFlags listing={l} />
              </td>
              <td>{l.publishedAt ? `${formatDateTime(l.publishedAt)} 起` : '—'}</td>
              <td>
                {l.endedAt
                  ? `${formatDateTime(l.endedAt)}（${END_REASON_NAMES[l.endReason ?? ''] ?? l.endReason}）`
                  : '—'}
              </td>
              <td>
                <a href={href('listings', l.id)}>查看</a>
              </td>
            </tr>
          ))}
          {p.listings.length === 0 && <EmptyRow colSpan={6}>从未列入失信清单</EmptyRow>}
        </tbody>
      </table>

      <h2>违法超限运输记录</h2>
      <ViolationsTable violations={p.violations} onChanged={profile.reload} />

      <h2>称重记录</h2>
      <Weighings plateColor={plateColor} plate={plate} changed={profile.data} />

      <h2>执法全过程记录</h2>
      <AuditTrail path={`${base}/audit`} changed={profile.data} />
    </>
  );
}

/**
 * 登记信息: the vehicle registry's record now (运政登记, SPEC §4.9). A listing keeps the party as it was
 * when the vehicle was listed; this is who is registered today.
 */
function Registration({ registration: r }: { registration: VehicleRegistrationView | null }) {
  if (!r) {
    return (
      <div className="panel" data-testid="registration">
        <p>
          <span className="badge warn">未登记</span>{' '}
          <span className="muted">车辆登记库中没有该车辆（未登记车辆），当事人不明。</span>
        </p>
      </div>
    );
  }
  return (
    <div className="panel" data-testid="registration">
      <dl className="facts">
        <dt>车主</dt>
        <dd data-testid="owner-name">{r.owner.name}</dd>
        <dt>类型</dt>
        <dd>{APPLICANT_TYPE_NAMES[r.owner.type]}</dd>
        <dt>证件号码</dt>
        <dd data-testid="owner-id-no">{r.owner.idNo}</dd>
        {r.owner.phone && (
          <>
            <dt>联系电话</dt>
            <dd>{r.owner.phone}</dd>
          </>
        )}
        <dt>道路运输证</dt>
        <dd>
          {r.transportCertNo ?? '—'}
          {r.certIssuedAt && <span className="muted">（{formatDate(r.certIssuedAt)} 核发）</span>}
        </dd>
        <dt>经营业户</dt>
        <dd>{r.operatorId ?? '—'}</dd>
        <dt>车籍地</dt>
        <dd>{r.registrationRegion}</dd>
        <dt>登记更新</dt>
        <dd>{formatDateTime(r.updatedAt)}</dd>
      </dl>
    </div>
  );
}

const WEIGHINGS_PAGE_SIZE = 20;

/** 称重记录: every stored weighing of the vehicle with its classification, warnings and tolerated ones included. */
function Weighings({ plateColor, plate, changed }: { plateColor: string; plate: string; changed: unknown }) {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const weighings = useAsync(
    () => api.get<Page<WeighingView>>('/v1/weighings', { plate, plateColor, page, pageSize: WEIGHINGS_PAGE_SIZE }),
    [plate, plateColor, page, changed],
  );
  return (
    <PagedResult result={weighings} what="称重记录" page={page} pageSize={WEIGHINGS_PAGE_SIZE} onPage={setPage}>
      {(data) => (
        <div className="table-scroll">
          <table data-testid="weighings">
            <thead>
              <tr>
                <th>检测站点</th>
                <th>检测时间</th>
                <th className="num">轴数</th>
                <th className="num">总质量（千克）</th>
                <th className="num">限值（千克）</th>
                <th className="num">超限（千克）</th>
                <th>结论</th>
                <th>通行证</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((w) => (
                <tr key={w.id} data-weighing={w.eventId}>
                  <td>
                    <StationName stationId={w.stationId} />
                  </td>
                  <td>{formatDateTime(w.measuredAt)}</td>
                  <td className="num">{w.axles}</td>
                  <td className="num">{formatNumber(w.grossWeightKg)}</td>
                  <td className="num">{formatNumber(w.limitKg)}</td>
                  <td className="num">{w.overKg > 0 ? formatNumber(w.overKg) : '—'}</td>
                  <td>{CLASSIFICATION_NAMES[w.classification]}</td>
                  <td className="small">
                    {w.permitNo ? (
                      <>
                        {w.permitNo}
                        {w.permitCheck && <div className="muted">{PERMIT_CHECK_NAMES[w.permitCheck]}</div>}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
              {data.items.length === 0 && <EmptyRow colSpan={8}>无称重记录</EmptyRow>}
            </tbody>
          </table>
        </div>
      )}
    </PagedResult>
  );
}
