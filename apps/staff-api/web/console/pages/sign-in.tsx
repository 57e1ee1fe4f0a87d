import { useState, type FormEvent } from 'react';
import { ApiError } from '../../shared/api';
import { describeError } from '../../shared/labels';

/** Staff sign in with their token (SPEC §4.8): in development one that `token:issue` printed. */
export function SignInPage({ onSignIn, message }: { onSignIn: (token: string) => Promise<void>; message?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(message);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (!value) return setError('请粘贴访问令牌');
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(value);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? '令牌无效或已过期，请重新获取' : describeError(e));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="panel" onSubmit={submit}>
        <h1>治超信用执法工作台</h1>
        <p className="muted">执法人员、法制审核人员、信用修复审核人员使用本人访问令牌登录。</p>
        {error && (
          <div className="alert error" role="alert">
            {error}
          </div>
        )}
        <label className="field">
          <span className="field-label">访问令牌</span>
          <textarea
            name="token"
            rows={5}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="粘贴访问令牌（eyJ…）"
            autoComplete="off"
            spellCheck={false}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? '正在验证…' : '登录'}
        </button>
        <details className="help">
          <summary>开发环境如何获取令牌？</summary>
          <p>
            <code>npm run up</code> 启动时会为每个角色打印一个令牌；也可在项目目录运行：
          </p>
          <pre>STAFF_JWT_SECRET=… npm run -s cli -- token:issue --sub officer-a --roles OFFICER</pre>
          <p className="muted">
            正式环境的令牌由统一身份认证系统签发。令牌仅保存在本浏览器标签页中，关闭后需重新登录。
          </p>
        </details>
      </form>
    </main>
  );
}
