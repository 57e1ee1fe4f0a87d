import { Fragment, useState, type FormEvent, type ReactNode } from 'react';
import type { ListingStatus } from '../shared/api-types';
import { formatDateTime } from '../shared/format';
import { DECISION_CONTENT_NAMES } from '../shared/labels';
import { Field, FormError, useFormAction } from './components';
import { ReviewDecisionForm } from './review-decision';
import { useSession } from './session';

/** 决定书 contents (§4.4) by the keys of DECISION_CONTENT_NAMES; a vehicle's and a company's proposal both fit. */
type DecisionContentsView = {
  grounds?: string;
  basis?: string;
  measures?: string;
  removal?: string;
  remedies?: string;
  repairNotice?: string;
};

/**
 * What the publication steps (失信公示, SPEC §4.4: proposed by an OFFICER, reviewed by a LEGAL_REVIEWER who
 * is not the proposer) need of a listing: a vehicle's or a company's (§4.9), each with its own words.
 */
export interface PublicationSubject {
  /** The listing's address in the API: `{path}/publication-proposal`, `{path}/publication-review`. */
  path: string;
  status: ListingStatus;
  proposal?: {
    decisionNo: string;
    legalBasis: string;
    contents?: DecisionContentsView;
    proposedBy: string;
    proposedAt: string;
  } | null;
  publishedAt?: string | null;
  /** The first line of each confirmation: 车牌：…, 企业：…. */
  subjectLine: string;
  /** The party named by the decision, in one line. */
  partyLine: string;
  /** The party as the proposal's facts show it. */
  party: ReactNode;
  /** Under the proposal form: where the party comes from and what the posting shows of it. */
  partyNote: string;
  /** What an approval does, in the reviewer's confirmation. */
  publishEffect: string;
  /** 清单 (a vehicle's) or 名单 (a company's). */
  noun: string;
}

const contentOf = (p: NonNullable<PublicationSubject['proposal']>, key: string): string | undefined =>
  p.contents?.[key as keyof DecisionContentsView];

/** 失信公示: the proposal, its review, or where the listing stands; each action for the role that may take it. */
export function PublicationPanel({ subject: s, onChanged }: { subject: PublicationSubject; onChanged: () => void }) {
  const { can, identity } = useSession();
  const [notice, setNotice] = useState<string>();
  const done = (message: string): void => {
    setNotice(message);
    onChanged();
  };
  const p = s.proposal;
  return (
    <div className="panel" data-testid="publication">
      {notice && (
        <div className="alert success" role="status">
          {notice}
        </div>
      )}
      {p && (
        <dl className="facts">
          <dt>决定书文号</dt>
          <dd>{p.decisionNo}</dd>
          <dt>法律依据</dt>
          <dd className="pre">{p.legalBasis}</dd>
          <dt>当事人</dt>
          <dd>{s.party}</dd>
          {DECISION_CONTENT_NAMES.filter(([key]) => contentOf(p, key)).map(([key, name]) => (
            <Fragment key={key}>
              <dt>{name}</dt>
              <dd className="pre">{contentOf(p, key)}</dd>
            </Fragment>
          ))}
          <dt>提请人</dt>
          <dd data-testid="proposer">
            {p.proposedBy}，{formatDateTime(p.proposedAt)}
          </dd>
        </dl>
      )}
      {s.status === 'PENDING' && (
        <p className="muted">拟列入（告知中）：告知期满无异议或异议不成立、列入生效后，方可提请公示。</p>
      )}
      {s.status === 'PUBLISHED' && <p>已于 {formatDateTime(s.publishedAt)} 经法制审核后公示。</p>}
      {s.status === 'LISTED' && !p && (
        <>
          <p className="muted">尚未提请公示。提请后须由法制审核人员（非提请人）审核通过方可公示。</p>
          {can('proposePublication') && <ProposalForm subject={s} onDone={done} />}
        </>
      )}
      {s.status === 'LISTED' && p && (
        <>
          <p>
            <span className="badge info">待法制审核</span>
          </p>
          {can('reviewPublication') &&
            (p.proposedBy === identity.sub ? (
              <p className="alert info">两人原则：您是本次公示的提请人，须由其他法制审核人员审核。</p>
            ) : (
              <PublicationReviewForm subject={s} onDone={done} />
            ))}
        </>
      )}
      {!['PENDING', 'LISTED', 'PUBLISHED'].includes(s.status) && <p className="muted">该{s.noun}已结束，不再公示。</p>}
    </div>
  );
}

function ProposalForm({ subject: s, onDone }: { subject: PublicationSubject; onDone: (m: string) => void }) {
  const { api } = useSession();
  const { dialog, confirm, busy, error, run } = useFormAction();
  const [decisionNo, setDecisionNo] = useState('');
  const [legalBasis, setLegalBasis] = useState('');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const ok = await confirm('确认提请失信公示？', [
      s.subjectLine,
      `决定书文号：${decisionNo.trim()}`,
      `当事人：${s.partyLine}`,
      '提请后将进入法制审核。',
    ]);
    if (!ok) return;
    await run(async () => {
      await api.post(`${s.path}/publication-proposal`, {
        decisionNo: decisionNo.trim(),
        legalBasis: legalBasis.trim(),
      });
      onDone('已提请公示，等待法制审核');
    });
  };
  return (
    <form className="stack-form" onSubmit={submit} aria-label="提请公示">
      {dialog}
      <h3>提请公示</h3>
      <Field label="决定书文号">
        <input
          name="decisionNo"
          value={decisionNo}
          onChange={(e) => setDecisionNo(e.target.value)}
          required
          maxLength={100}
          placeholder="如：湖交超决〔2026〕8号"
        />
      </Field>
      <Field label="法律依据">
        <textarea
          name="legalBasis"
          value={legalBasis}
          onChange={(e) => setLegalBasis(e.target.value)}
          required
          maxLength={2000}
          placeholder="如：《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条"
        />
      </Field>
      <p className="muted small">
        当事人：{s.partyLine}（{s.partyNote}）
      </p>
      <p className="muted small">
        决定书的事由、依据、惩戒措施、移出条件和程序、救济途径及信用修复告知按标准文本载明。
      </p>
      <button type="submit" disabled={busy}>
        提请公示
      </button>
      <FormError message={error} />
    </form>
  );
}

function PublicationReviewForm({ subject: s, onDone }: { subject: PublicationSubject; onDone: (m: string) => void }) {
  const { api } = useSession();
  return (
    <ReviewDecisionForm
      title="法制审核"
      className="stack-form"
      approveLabel="同意公示"
      rejectLabel="退回"
      confirmation={(approve, opinion) => ({
        title: approve ? '确认同意公示？' : '确认退回？',
        lines: [
          `${s.subjectLine}，决定书文号：${s.proposal?.decisionNo}`,
          `审核意见：${opinion}`,
          approve ? s.publishEffect : '退回后提请将被撤回，执法人员可修改后重新提请。',
        ],
        confirmLabel: approve ? '同意公示' : '确认退回',
      })}
      submit={async (approve, opinion) => {
        await api.post(`${s.path}/publication-review`, { approve, opinion });
        onDone(approve ? '法制审核通过，已公示' : '已退回提请');
      }}
    />
  );
}
