import { useState } from 'react';
import { Field, FormError, useFormAction } from './components';

/**
 * A reviewer's decision (法制审核, 信用修复审核, 异议决定, 撤销审核): an opinion, then approve or reject,
 * each confirmed first. `confirmation` words the dialog; `submit` sends the decision; `opinionLabel`
 * names the text (审核意见 unless an objection's 答复意见).
 */
export function ReviewDecisionForm({
  title,
  className,
  approveLabel,
  rejectLabel,
  confirmation,
  submit,
  describe,
  opinionLabel = '审核意见',
  hint,
}: {
  title: string;
  className: string;
  approveLabel: string;
  rejectLabel: string;
  confirmation: (approve: boolean, opinion: string) => { title: string; lines: string[]; confirmLabel: string };
  submit: (approve: boolean, opinion: string) => Promise<void>;
  describe?: (error: unknown) => string;
  opinionLabel?: string;
  hint?: string;
}) {
  const { dialog, confirm, busy, error, setError, run } = useFormAction();
  const [opinion, setOpinion] = useState('');

  const decide = async (approve: boolean): Promise<void> => {
    const text = opinion.trim();
    if (!text) return setError(`请填写${opinionLabel}`);
    const c = confirmation(approve, text);
    if (!(await confirm(c.title, c.lines, c.confirmLabel))) return;
    await run(() => submit(approve, text), describe);
  };
  return (
    <form className={className} onSubmit={(e) => e.preventDefault()} aria-label={title}>
      {dialog}
      <h3>{title}</h3>
      {hint && <p className="muted small">{hint}</p>}
      <Field label={opinionLabel}>
        <textarea
          name="opinion"
          value={opinion}
          onChange={(e) => setOpinion(e.target.value)}
          maxLength={2000}
          required
        />
      </Field>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void decide(true)}>
          {approveLabel}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void decide(false)}>
          {rejectLabel}
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}
